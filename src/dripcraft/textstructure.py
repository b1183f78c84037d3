"""Structure in text that has no markup: titles, headings, lists, pull quotes, calls to
action and boilerplate (author bio, site footer).

`parse_plain_text` reads a .txt article line by line. `mark_roles` runs on the blocks of
every reader, so a Markdown or HTML article gets the same pull-quote, call-to-action and
boilerplate detection as plain text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from dripcraft.markdown import escape, make_block
from dripcraft.models import Block

MAX_HEADING_WORDS = 14
MAX_HEADING_CHARS = 100
MAX_QUESTION_HEADING_WORDS = 10
MAX_LIST_ITEM_WORDS = 24

_NOT_HEADING_END = tuple(".!,;…:")
_OPEN_QUOTES = "“\"«„‘'"
_CLOSE_QUOTES = "”\"»“’'"
_LIST_MARKER = re.compile(r"^\s*(?:[-*•·–]|\d{1,2}[.)])\s+")
_ORDERED_MARKER = re.compile(r"^\s*\d{1,2}[.)]\s+")
_ATTRIBUTION = re.compile(r"\s*[—–-]{1,2}\s*[^\s].{0,60}$")
# A line that introduces the author's bio: "About the author", "Featured therapist author:",
# "Written by", "Meet the author" ... Everything after it is bio, then site footer.
_BIO_MARKER = re.compile(
    r"^(about the (author|writer)|author bio|meet the author|written by|featured\b.{0,30}\bauthor"
    r"|the author)\b[^.!?]{0,40}:?$", re.IGNORECASE)
_FOOTER_LINE = re.compile(
    r"(©|\bcopyright\b|all rights reserved|privacy policy|terms of (use|service)"
    r"|\bunsubscribe\b|follow us on|share (this|on)\b|cookie)", re.IGNORECASE)


def is_symbol_led(text: str) -> bool:
    """Does the line start with an emoji, arrow or dingbat (a marketer's call-to-action mark)?"""
    text = text.lstrip()
    if not text:
        return False
    first = text[0]
    return unicodedata.category(first) == "So" or 0x2190 <= ord(first) <= 0x21FF


def is_cta_line(text: str) -> bool:
    return is_symbol_led(text) and len(text.split()) >= 3


def is_pull_quote(text: str) -> bool:
    """A line that is only a quotation (optionally with a short attribution)."""
    text = text.strip()
    if len(text) < 12 or text[0] not in _OPEN_QUOTES:
        return False
    body = _ATTRIBUTION.sub("", text) if text[-1] not in _CLOSE_QUOTES else text
    if not body or body[-1] not in _CLOSE_QUOTES:
        return False
    inner = body[1:-1]
    # Two quotations side by side ("a" and "b") are prose, not one pull quote.
    return not any(q in inner for q in "“”\"") and 4 <= len(inner.split()) <= 60


def looks_like_heading(text: str) -> bool:
    text = text.strip()
    words = text.split()
    if not words or len(words) > MAX_HEADING_WORDS or len(text) > MAX_HEADING_CHARS:
        return False
    if text.endswith(_NOT_HEADING_END) or text[0] in _OPEN_QUOTES or is_symbol_led(text):
        return False
    if text.endswith("?"):
        return len(words) <= MAX_QUESTION_HEADING_WORDS and not text.endswith("?!")
    return any(ch.isalpha() for ch in text)


def is_all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters)


# --- plain text -----------------------------------------------------------------------------


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Text wrapped at a fixed width (e-mail, some exports) rather than one line a paragraph."""
    long_lines = [line for line in lines if len(line) > 40]
    return bool(long_lines) and max(len(line) for line in lines) <= 100 and len(long_lines) >= 3


def _units(text: str) -> list[tuple[int, str]]:
    """Logical lines with their 1-based line numbers; hard-wrapped paragraphs are re-joined."""
    numbered = [(n, raw.strip()) for n, raw in enumerate(text.splitlines(), start=1)]
    if not _is_hard_wrapped([line for _, line in numbered if line]):
        return [(n, line) for n, line in numbered if line]
    units: list[tuple[int, str]] = []
    joinable = False
    for number, line in numbered:
        if not line:
            joinable = False
            continue
        if joinable and not _LIST_MARKER.match(line):
            units[-1] = (units[-1][0], units[-1][1] + " " + line)
        else:
            units.append((number, line))
        # A wrapped line runs close to the margin; a short one ends its paragraph or is a heading.
        joinable = len(line) >= 50 or bool(joinable and line[:1].islower())
    return units


def parse_plain_text(text: str) -> tuple[str, list[Block]]:
    """Plain text to (title, blocks). The title is "" when the text does not start with one."""
    units = _units(text)
    title = ""
    if len(units) >= 3 and looks_like_heading(units[0][1]) and not looks_like_heading(units[1][1]):
        title = units.pop(0)[1]
    blocks: list[Block] = []
    i = 0
    while i < len(units):
        line_no, line = units[i]
        if _LIST_MARKER.match(line):
            items, j = [], i
            while j < len(units) and _LIST_MARKER.match(units[j][1]):
                items.append(escape(_LIST_MARKER.sub("", units[j][1])))
                j += 1
            blocks.append(make_block("list", "", line_no, items=tuple(items),
                                     level=1 if _ORDERED_MARKER.match(line) else 0))
            i = j
            continue
        if line.endswith(":"):
            items, j = [], i + 1
            while (j < len(units) and len(units[j][1].split()) <= MAX_LIST_ITEM_WORDS
                   and not is_all_caps(units[j][1]) and not is_symbol_led(units[j][1])
                   and not units[j][1].endswith(":")):
                items.append(escape(units[j][1]))
                j += 1
            if len(items) >= 2:
                blocks.append(make_block("list", escape(line), line_no, items=tuple(items)))
                i = j
                continue
        if is_pull_quote(line):
            blocks.append(make_block("quote", escape(line), line_no))
        elif is_cta_line(line):
            blocks.append(make_block("cta", escape(line), line_no))
        elif (looks_like_heading(line) or is_all_caps(line)) and i + 1 < len(units):
            after_heading = bool(blocks) and blocks[-1].kind == "heading"
            blocks.append(make_block("heading", escape(line), line_no,
                                     level=3 if after_heading else 2))
        else:
            blocks.append(make_block("paragraph", escape(line), line_no))
        i += 1
    return title, mark_roles(blocks)


# --- every reader ---------------------------------------------------------------------------


def mark_roles(blocks: list[Block]) -> list[Block]:
    """Mark pull quotes, call-to-action lines and boilerplate in any reader's blocks."""
    out: list[Block] = []
    in_bio = after_bio = in_caps_footer = False
    tail_start = int(len(blocks) * 2 / 3)
    for index, block in enumerate(blocks):
        kind, role = block.kind, block.boilerplate
        if kind == "paragraph" and is_pull_quote(block.plain):
            kind = "quote"
        elif kind == "paragraph" and is_cta_line(block.plain):
            kind = "cta"
        if not role:
            if kind in ("paragraph", "heading") and _BIO_MARKER.match(block.plain.strip()):
                in_bio = True
            elif kind == "heading" and in_bio:
                in_bio, after_bio = False, True
            if kind == "heading":
                in_caps_footer = index >= tail_start and is_all_caps(block.plain)
            if in_bio:
                role = "bio"
            elif after_bio or in_caps_footer:
                role = "footer"
            elif kind != "heading" and _FOOTER_LINE.search(block.plain) and block.words <= 40:
                role = "footer"
        if (kind, role) != (block.kind, block.boilerplate):
            block = replace(block, kind=kind, boilerplate=role)
        out.append(block)
    return out
