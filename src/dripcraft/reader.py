"""Read an article (.md with front matter, .txt, or saved .html) into an `Article`."""

from __future__ import annotations

from pathlib import Path

import frontmatter
import yaml

from dripcraft.errors import ArticleError
from dripcraft.htmlarticle import parse_html
from dripcraft.markdown import parse_blocks
from dripcraft.merge import scrub
from dripcraft.models import Article, Block
from dripcraft.textstructure import mark_roles, parse_plain_text

MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt", ".text")
FRONT_MATTER_KEYS = ("title", "author", "url", "date", "lang")


def read_source(path: Path) -> str:
    """The file's text, or one clear error for a missing, binary or non-UTF-8 file."""
    path = Path(path)
    if not path.exists():
        raise ArticleError("article file not found", path=path,
                           hint="check the path, or the 'article' key in campaign.yaml")
    if not path.is_file():
        raise ArticleError("article path is not a file", path=path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"cannot read the article: {exc.strerror}", path=path) from exc
    if b"\x00" in data[:8192]:
        raise ArticleError("this is a binary file, not an article", path=path,
                           hint="give a .md, .txt or .html file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ArticleError(f"not UTF-8 text (byte {exc.start})", path=path, line=line,
                           hint="save the file as UTF-8") from exc
    # Private-use characters carry dripcraft's merge tokens; an article must not forge one.
    return scrub(text).replace("\r\n", "\n").replace("\r", "\n")


def read_article(path: Path) -> Article:
    path = Path(path)
    text = read_source(path)
    suffix = path.suffix.lower()
    meta: dict[str, str] = {}
    if suffix in MARKDOWN_SUFFIXES or (suffix not in HTML_SUFFIXES + TEXT_SUFFIXES
                                       and text.lstrip().startswith("---")):
        meta, blocks = _read_markdown(path, text)
    elif suffix in HTML_SUFFIXES or text.lstrip()[:1] == "<":
        meta, blocks = parse_html(text)
        blocks = mark_roles(blocks)
    else:
        meta["title"], blocks = parse_plain_text(text)
    if not any(b.words for b in blocks if not b.boilerplate and b.kind != "heading"):
        raise ArticleError("the article has no text to split into emails", path=path,
                           hint="add the article's paragraphs to the file")
    title = meta.get("title", "")
    if not title:
        title = next((b.plain for b in blocks if b.kind == "heading" and not b.boilerplate), "")
    return Article(path=path, title=title, blocks=blocks, author=meta.get("author", ""),
                   url=meta.get("url", ""), date=meta.get("date", ""),
                   lang=meta.get("lang", "") or "en")


def _read_markdown(path: Path, text: str) -> tuple[dict[str, str], list[Block]]:
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        # The front matter starts after the opening '---' line.
        line = mark.line + 2 if mark else None
        raise ArticleError(f"malformed front matter: {getattr(exc, 'problem', exc)}", path=path,
                           line=line, hint="fix the YAML between the --- lines") from exc
    if not isinstance(post.metadata, dict):
        raise ArticleError("front matter must be a mapping of keys to values", path=path, line=2)
    meta = {key: str(post.metadata.get(key) or "").strip() for key in FRONT_MATTER_KEYS}
    first_line = _body_first_line(text, post.content)
    blocks = parse_blocks(post.content, first_line)
    if not meta["title"] and blocks and blocks[0].kind == "heading" and blocks[0].level == 1:
        meta["title"] = blocks.pop(0).plain
    return meta, mark_roles(blocks)


def _body_first_line(text: str, content: str) -> int:
    """The file line on which the Markdown body starts (after the front matter)."""
    if not content.strip():
        return 1
    offset = text.find(content.lstrip("\n")[:80])
    return text.count("\n", 0, max(offset, 0)) + 1
