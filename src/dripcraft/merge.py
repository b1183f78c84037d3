"""Merge fields, written once in a neutral form and filled in per target.

A neutral field is a name between two private-use characters. The reader removes every
private-use character from the article, so only dripcraft's own templates can produce one:
article text that merely looks like a merge tag stays text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from markupsafe import Markup

OPEN = "\ue000"
CLOSE = "\ue001"

FIRST_NAME = "first_name"
UNSUBSCRIBE_URL = "unsubscribe_url"
WEB_VERSION_URL = "web_version_url"
POSTAL_ADDRESS = "postal_address"
PREHEADER = "preheader"

FIELDS = (FIRST_NAME, UNSUBSCRIBE_URL, WEB_VERSION_URL, POSTAL_ADDRESS, PREHEADER)

# lxml percent-encodes non-ASCII characters in href and src attributes when it serialises
# the inlined HTML, so a token inside a link arrives as %EE%80%80name%EE%80%81.
TOKEN = re.compile(f"(?:{OPEN}|%EE%80%80)([a-z_]+)(?:{CLOSE}|%EE%80%81)", re.IGNORECASE)
# Private-use characters, raw or percent-encoded as UTF-8 (U+E000 to U+F8FF): article text in
# either form could otherwise be read back as a token.
PRIVATE_USE = re.compile("[\ue000-\uf8ff]|%E[EF]%[89AB][0-9A-F]%[89AB][0-9A-F]", re.IGNORECASE)


def token(name: str) -> Markup:
    """The neutral token for `name`, safe to place in a template."""
    if name not in FIELDS:
        raise ValueError(f"unknown merge field {name!r}")
    return Markup(f"{OPEN}{name}{CLOSE}")


def fill(text: str, values: Mapping[str, str] | Callable[[str], str]) -> str:
    """Replace every neutral token in `text` by its value (a mapping or a function of the name)."""
    lookup = values if callable(values) else values.__getitem__
    return TOKEN.sub(lambda m: lookup(m.group(1)), text)


def scrub(text: str) -> str:
    """Remove private-use characters from article text so it cannot forge a token."""
    # Removing one encoded character can join its neighbours into another: repeat.
    while True:
        cleaned = PRIVATE_USE.sub("", text)
        if cleaned == text:
            return cleaned
        text = cleaned


def sample_values(settings, email, *, html: bool) -> dict[str, str]:
    """Stand-in values shown in built files and the preview (never sent)."""
    from markupsafe import escape

    values = {
        FIRST_NAME: settings.sample_first_name or settings.first_name_fallback,
        UNSUBSCRIBE_URL: settings.unsubscribe_url or "https://example.com/unsubscribe",
        WEB_VERSION_URL: settings.web_version_url or f"https://example.com/view/{email.slug}",
        POSTAL_ADDRESS: settings.postal_address,
        PREHEADER: email.preheader,
    }
    if html:
        values = {k: str(escape(v)) for k, v in values.items()}
    return values
