"""markdown-it-py, wrapped: Markdown → blocks, inline Markdown → HTML or plain text.

Raw HTML in articles is not rendered (`html: False`), so Markdown input cannot inject markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

from dripcraft.models import Block

_md = MarkdownIt("commonmark", {"html": False, "typographer": False})

_ESCAPE = re.compile(r"([\\`*_\[\]<>])")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])(?=\s|$)")
_BOILERPLATE_MARK = re.compile(r"<!--\s*dripcraft:(boilerplate\s+[a-z-]+|article)\s*-->")


def escape(text: str) -> str:
    """Make plain text safe to embed as inline Markdown (it renders back to the same text)."""
    text = _ESCAPE.sub(r"\\\1", text)
    text = _ENTITY_LIKE.sub(r"\\&", text)
    return _LINE_START.sub(r"\1\\\2", text)


def make_block(kind: str, text: str, line: int, *, level: int = 0,
               items: tuple[str, ...] = (), boilerplate: str = "") -> Block:
    """A Block with its reader-visible text worked out once."""
    parts = [plain(text)] + [plain(i) for i in items]
    return Block(kind=kind, text=text, line=line, level=level, items=items,
                 boilerplate=boilerplate, plain=" ".join(p for p in parts if p))


def plain(src: str) -> str:
    """What a reader sees of inline Markdown."""
    text, _ = inline_text(src, with_urls=False)
    return text


def inline_html(src: str, link: Callable[[str], str] = lambda url: url,
                link_class: str = "") -> str:
    """Inline Markdown to an HTML fragment, each link href passed through `link`."""
    tokens = _inline_tokens(src)
    for token in tokens:
        if token.type == "link_open":
            token.attrSet("href", link(str(token.attrGet("href") or "")))
            if link_class:
                # The theme's dark palette recolours links by class.
                token.attrSet("class", link_class)
    return _md.renderer.render(tokens, _md.options, {})


def inline_text(src: str, link: Callable[[str], str] = lambda url: url, *,
                with_urls: bool = True) -> tuple[str, list[str]]:
    """Inline Markdown to plain text; links become "text (url)". Returns the text and URLs."""
    out: list[str] = []
    urls: list[str] = []
    link_start = 0
    href = ""
    for token in _inline_tokens(src):
        if token.type in ("text", "code_inline", "html_inline"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.type == "link_open":
            href = link(str(token.attrGet("href") or ""))
            link_start = len(out)
        elif token.type == "link_close":
            label = "".join(out[link_start:])
            urls.append(href)
            if with_urls and href and label.strip() != href:
                out.append(f" ({href})")
        elif token.type == "image":
            out.append(token.content)
    return re.sub(r"\s+", " ", "".join(out)).strip(), urls


def _inline_tokens(src: str) -> list[Token]:
    parsed = _md.parseInline(src)
    return parsed[0].children or [] if parsed else []


def parse_blocks(source: str, first_line: int = 1) -> list[Block]:
    """Markdown to a flat list of blocks; `first_line` is the file line of the first source line.

    `<!-- dripcraft:boilerplate KIND -->` marks what follows as boilerplate of that kind,
    `<!-- dripcraft:article -->` ends it (`init` writes these; people may too).
    """
    blocks: list[Block] = []
    marks: dict[int, str] = {}
    for index, line in enumerate(source.splitlines()):
        match = _BOILERPLATE_MARK.search(line)
        if match:
            word = match.group(1)
            marks[index] = word.split()[1] if word.startswith("boilerplate") else ""
    tokens = _md.parse(source)
    mark_lines = sorted(marks)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        start = token.map[0] if token.map else 0
        passed = [m for m in mark_lines if m <= start]
        boilerplate = marks[passed[-1]] if passed else ""
        line = first_line + start
        if token.type == "heading_open":
            level = int(token.tag[1])
            blocks.append(make_block("heading", tokens[i + 1].content.strip(), line,
                                     level=level, boilerplate=boilerplate))
            i += 3
        elif token.type == "paragraph_open" and token.level == 0:
            if not _BOILERPLATE_MARK.fullmatch(tokens[i + 1].content.strip()):
                blocks.append(make_block("paragraph", _one_line(tokens[i + 1].content), line,
                                         boilerplate=boilerplate))
            i += 3
        elif token.type == "blockquote_open":
            parts, i = _inline_until_closed(tokens, i)
            blocks.append(make_block("quote", " ".join(parts), line, boilerplate=boilerplate))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            ordered = token.type == "ordered_list_open"
            items, i = _inline_until_closed(tokens, i)
            blocks.append(make_block("list", "", line, items=tuple(items), level=int(ordered),
                                     boilerplate=boilerplate))
        elif token.type in ("fence", "code_block"):
            blocks.append(make_block("paragraph", escape(_one_line(token.content)), line,
                                     boilerplate=boilerplate))
            i += 1
        else:
            i += 1
    return _attach_list_intros(blocks)


def _inline_until_closed(tokens: list[Token], start: int) -> tuple[list[str], int]:
    """The inline texts inside the container opened at `start`, and the index after it."""
    depth, j, texts = 0, start, []
    while True:
        if tokens[j].nesting == 1 and tokens[j].type in ("blockquote_open", "bullet_list_open",
                                                         "ordered_list_open"):
            depth += 1
        elif tokens[j].nesting == -1 and tokens[j].type in ("blockquote_close", "bullet_list_close",
                                                            "ordered_list_close"):
            depth -= 1
            if depth == 0:
                return texts, j + 1
        elif tokens[j].type == "inline":
            texts.append(_one_line(tokens[j].content))
        j += 1


def _attach_list_intros(blocks: list[Block]) -> list[Block]:
    """A paragraph ending in ':' right before a list is that list's introduction."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if (block.kind == "list" and not block.text and previous is not None
                and previous.kind == "paragraph" and previous.plain.endswith(":")
                and previous.boilerplate == block.boilerplate):
            out[-1] = make_block("list", previous.text, previous.line, items=block.items,
                                 level=block.level, boilerplate=block.boilerplate)
        else:
            out.append(block)
    return out


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text).strip()
