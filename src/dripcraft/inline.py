"""premailer, wrapped: CSS inlined without breaking responsive or dark-mode rules.

The measured defaults of premailer break email (shared/reference/inliners.md): it strips
`!important` inside media queries, drops client hacks that match nothing at build time and
overwrites image `width` attributes with "100%". The settings below keep all of that intact.
Rules that must stay in `<style>` (media queries, dark mode, client hacks) sit in a
`<style data-premailer="ignore">` block that premailer leaves as written.
"""

from __future__ import annotations

import logging
import os
import warnings

# premailer keeps one global LFU cache of 128 entries; in the long-running preview it fills
# with stale stylesheets after a few CSS edits and every rebuild re-parses. LRU with room to
# spare avoids that. The variables are read when premailer is first imported.
os.environ.setdefault("PREMAILER_CACHE", "LRU")
os.environ.setdefault("PREMAILER_CACHE_MAXSIZE", "4096")

from premailer import Premailer  # noqa: E402

OPTIONS = dict(
    keep_style_tags=False,
    strip_important=False,
    remove_classes=False,
    disable_basic_attributes=["width", "height"],
    allow_network=False,
    cssutils_logging_level=logging.CRITICAL,
    disable_validation=True,
    exclude_pseudoclasses=True,
    disable_link_rewrites=True,
)


def inline_css(html: str) -> str:
    """Move the inlinable `<style>` rules into style attributes; keep the ignored block."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Premailer(**OPTIONS).transform(html, pretty_print=False)
