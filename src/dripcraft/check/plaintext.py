"""text/*: the plain-text part: present, complete, wrapped, free of markup."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from .document import Campaign, Email, describe
from .model import Hit, define, email_check

MISSING = define("text/missing", "error", "no plain-text part (spam filters penalise "
                 "HTML-only mail)")
MISSING_LINK = define("text/missing-link", "warning",
                      "a link of the HTML is absent from the plain text")
LINE_LENGTH = define("text/line-length", "warning", "plain-text lines over 78 columns")
MARKUP = define("text/markup", "error", "HTML tags, entities or CSS left in the plain text")

MAX_COLUMNS = 78
URL = re.compile(r"(?:https?://|mailto:|www\.)\S+", re.I)
TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s+[^<>]*)?/?>")
ENTITY = re.compile(r"&(?:#\d{1,6}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
# CSS: at-rules, a `{ prop:` block, or a declaration of a common property ended by `;`
# (prose with colons and semicolons does not name CSS properties).
CSS = re.compile(r"@media\b|@font-face\b|\{\s*[a-z-]+\s*:|\b(?:color|background(?:-color)?|"
                 r"font(?:-family|-size|-weight)?|line-height|margin(?:-[a-z]+)?|"
                 r"padding(?:-[a-z]+)?|border(?:-[a-z]+)*|display|width|height|text-align|"
                 r"text-decoration|mso-[a-z-]+)\s*:\s*[^;\n]+;", re.I)
MERGE_TOKEN = re.compile("[\ue000\ue001]")


def columns(line: str) -> int:
    """Display width: East Asian wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def has_text(email: Email) -> bool:
    return email.text is not None and bool(email.text.strip())


@email_check
def check_present(email: Email, campaign: Campaign) -> Iterable[Hit]:
    if not has_text(email):
        what = "missing" if email.text is None else "empty"
        yield Hit(MISSING, f"plain-text part {email.text_name} is {what}",
                  "rebuild: dripcraft writes a .txt for every email; upload it with the HTML")


@email_check
def check_links(email: Email, campaign: Campaign) -> Iterable[Hit]:
    if not has_text(email) or email.body is None:
        return
    text = email.text
    missing: list[tuple[str, object]] = []
    seen: set[str] = set()
    for a in email.elements("a"):
        href = (a.get("href") or "").strip()
        if href in seen or not href:
            continue
        seen.add(href)
        scheme = urlsplit(href).scheme.lower()
        if scheme in ("http", "https"):
            present = href in text or unquote(href) in text
        elif scheme == "mailto":
            address = unquote(href[len("mailto:"):].split("?", 1)[0])
            present = href in text or (address and address in text)
        else:
            continue
        if not present:
            missing.append((href, a))
    if missing:
        href, a = missing[0]
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        yield Hit(MISSING_LINK, f"the plain text lacks {href[:80]}{more}",
                  "put every link's URL in the plain text, next to its label",
                  element=describe(a), line=a.sourceline,
                  data={"urls": [h for h, _ in missing]})


@email_check
def check_lines(email: Email, campaign: Campaign) -> Iterable[Hit]:
    if not has_text(email):
        return
    long_lines = []
    for number, line in enumerate(email.text.splitlines(), start=1):
        if columns(line) <= MAX_COLUMNS:
            continue
        # A URL cannot be wrapped: only the text around it counts.
        if columns(URL.sub("", line).rstrip()) <= MAX_COLUMNS:
            continue
        long_lines.append(number)
    if long_lines:
        yield Hit(LINE_LENGTH, f"{len(long_lines)} line(s) over {MAX_COLUMNS} columns, first "
                  f"at line {long_lines[0]}", f"wrap the plain text at {MAX_COLUMNS} columns",
                  element=email.text_name, line=long_lines[0], data={"lines": long_lines})


@email_check
def check_markup(email: Email, campaign: Campaign) -> Iterable[Hit]:
    if not has_text(email):
        return
    for number, line in enumerate(email.text.splitlines(), start=1):
        scrubbed = URL.sub("", line)
        for kind, pattern in (("HTML tag", TAG), ("HTML entity", ENTITY), ("CSS", CSS),
                              ("unfilled merge field", MERGE_TOKEN)):
            match = pattern.search(scrubbed)
            if match:
                yield Hit(MARKUP, f"{kind} left in the plain text: {match.group(0)[:40]!r}",
                          "render the plain text from the content, not from the HTML",
                          element=email.text_name, line=number, data={"kind": kind})
                return
