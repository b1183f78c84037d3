"""Plain-text helpers for the text part: wrapping that never breaks a URL."""

from __future__ import annotations

import textwrap

WIDTH = 72  # leaves room under the 78-column limit for clients that quote with "> "


def wrap(text: str, indent: str = "", width: int = WIDTH) -> str:
    """Wrap prose at `width`; a word longer than the line (a URL) stands on a line of its own."""
    return textwrap.fill(" ".join(text.split()), width=width, initial_indent=indent,
                         subsequent_indent=" " * len(indent) if indent.strip() != ">" else indent,
                         break_long_words=False, break_on_hyphens=False)


def underline(text: str, char: str = "=") -> str:
    return char * min(len(text), WIDTH)
