"""size/*: what Gmail clips or drops."""

from __future__ import annotations

from collections.abc import Iterable

from .document import Campaign, Email
from .model import Hit, define, email_check

GMAIL_CLIP = define("size/gmail-clip", "error",
                    "HTML over Gmail's ~102 KB clip (warning from 80 KB: ESPs add bytes)")
STYLE_BLOCK = define("size/style-block", "warning",
                     "a <style> block over 16 KB, which Gmail discards")

# Gmail clips the HTML part past ~102 KB; ESP link rewriting and tracking add bytes after
# export, so warn with a margin (the same tiers as jsx-email and Inky).
CLIP_BYTES = 102_000
WARN_BYTES = 80_000
STYLE_BYTES = 16 * 1024


@email_check
def check_size(email: Email, campaign: Campaign) -> Iterable[Hit]:
    if email.html is None:
        return
    size = email.html_bytes
    kb = f"{size / 1000:.1f} KB"
    if size > CLIP_BYTES:
        yield Hit(GMAIL_CLIP, f"HTML is {kb}: Gmail clips it after ~102 KB, hiding the footer "
                  "and unsubscribe link",
                  "shorten the email (lower max_words) or trim inline CSS",
                  severity="error", data={"bytes": size, "limit": CLIP_BYTES})
    elif size > WARN_BYTES:
        yield Hit(GMAIL_CLIP, f"HTML is {kb}, close to Gmail's ~102 KB clip once an ESP adds "
                  "tracking", "shorten the email or trim inline CSS to stay under 80 KB",
                  severity="warning", data={"bytes": size, "limit": WARN_BYTES})
    for style in email.root.iter("style"):
        length = len((style.text or "").encode("utf-8"))
        if length > STYLE_BYTES:
            yield Hit(STYLE_BLOCK, f"<style> block is {length / 1024:.1f} KB: Gmail ignores "
                      "style blocks over 16 KB (dark mode and phone layout are lost)",
                      "move rules inline or remove unused ones to stay under 16 KB",
                      element="<style>", line=style.sourceline,
                      data={"bytes": length, "limit": STYLE_BYTES})
