"""A saved HTML article page to blocks: lxml finds the structure, nh3 sanitises the text.

Only text, links (http, https, mailto) and emphasis survive; scripts, styles, navigation,
forms and page chrome are dropped before anything is read.
"""

from __future__ import annotations

import lxml.html
import nh3
from lxml import etree

from dripcraft.markdown import escape, make_block
from dripcraft.models import Block

_DROP = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
         "iframe", "svg", "button", "select", "textarea", "object", "embed", "canvas", "video",
         "audio", "head"}
_INLINE_TAGS = {"a", "em", "i", "strong", "b", "code", "br"}
_URL_SCHEMES = {"http", "https", "mailto"}


def parse_html(source: str) -> tuple[dict[str, str], list[Block]]:
    """Return (metadata, blocks) of an HTML page; metadata has title, author, url, date, lang."""
    document = lxml.html.document_fromstring(source)
    meta = _metadata(document)
    root = next((found for xpath in ("//article", "//main", "//body")
                 if (found := _first(document, xpath)) is not None), document)
    for element in list(root.iter()):
        if isinstance(element.tag, str) and element.tag in _DROP and element.getparent() is not None:
            element.drop_tree()
    blocks: list[Block] = []
    _walk(root, blocks)
    if not meta["title"]:
        for block in blocks:
            if block.kind == "heading" and block.level == 1:
                meta["title"] = block.plain
                break
    if meta["title"] and blocks and blocks[0].kind == "heading" and blocks[0].plain == meta["title"]:
        blocks.pop(0)
    return meta, blocks


def _first(document, xpath: str):
    found = document.xpath(xpath)
    return found[0] if found else None


def _metadata(document) -> dict[str, str]:
    def meta_content(*names: str) -> str:
        for name in names:
            found = document.xpath(f'//meta[@name="{name}" or @property="{name}"]/@content')
            if found:
                return found[0].strip()
        return ""

    title = meta_content("og:title")
    if not title:
        h1 = _first(document, "//h1")
        title = h1.text_content().strip() if h1 is not None else ""
    if not title:
        element = _first(document, "//title")
        title = element.text_content().strip() if element is not None else ""
    canonical = document.xpath('//link[@rel="canonical"]/@href')
    html = document.getroottree().getroot()
    return {
        "title": " ".join(title.split()),
        "author": meta_content("author", "article:author"),
        "url": canonical[0].strip() if canonical else meta_content("og:url"),
        "date": meta_content("article:published_time", "date")[:10],
        "lang": (html.get("lang") or "").strip(),
    }


def _walk(element, blocks: list[Block]) -> None:
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        line = child.sourceline or 0
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = _inline(child)
            if text:
                blocks.append(make_block("heading", text, line, level=int(tag[1])))
        elif tag == "p":
            text = _inline(child)
            if text:
                blocks.append(make_block("paragraph", text, line))
        elif tag == "blockquote":
            text = " ".join(filter(None, (_inline(p) for p in child.findall(".//p")))) or _inline(child)
            if text:
                blocks.append(make_block("quote", text, line))
        elif tag in ("ul", "ol"):
            items = tuple(filter(None, (_inline(li) for li in child.findall("li"))))
            if items:
                blocks.append(make_block("list", "", line, items=items, level=int(tag == "ol")))
        elif tag == "pre":
            text = escape(" ".join(child.text_content().split()))
            if text:
                blocks.append(make_block("paragraph", text, line))
        else:
            before = len(blocks)
            _walk(child, blocks)
            # A div holding bare text (no <p>) is still a paragraph.
            if len(blocks) == before and tag in ("div", "section", "td", "figure", "figcaption"):
                text = _inline(child)
                if text:
                    blocks.append(make_block("paragraph", text, line))


def _inline(element) -> str:
    """The element's content as inline Markdown: text, links and emphasis only."""
    fragment = etree.tostring(element, encoding="unicode", with_tail=False)
    clean = nh3.clean(fragment, tags=_INLINE_TAGS, attributes={"a": {"href"}},
                      url_schemes=_URL_SCHEMES, link_rel=None)
    wrapper = lxml.html.fragment_fromstring(clean or "", create_parent="div")
    return " ".join(_to_markdown(wrapper).split())


def _to_markdown(element) -> str:
    parts = [escape(element.text or "")]
    for child in element:
        inner = _to_markdown(child)
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "a" and child.get("href") and inner.strip():
            parts.append(f"[{inner.strip()}](<{child.get('href').strip()}>)")
        elif tag in ("em", "i") and inner.strip():
            parts.append(f"*{inner.strip()}*")
        elif tag in ("strong", "b") and inner.strip():
            parts.append(f"**{inner.strip()}**")
        elif tag == "br":
            parts.append(" ")
        else:
            parts.append(inner)
        parts.append(escape(child.tail or ""))
    return "".join(parts)
