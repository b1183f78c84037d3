"""A built campaign as the checks see it: manifest.json, each email's HTML and text, settings.

The checks read a *built folder* (what `dripcraft build` writes, or a hand-made fixture with
the same shape), so they lint exactly the bytes a marketer uploads.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import lxml.html
from lxml import etree

from dripcraft.errors import DripcraftError
from dripcraft.models import Settings

from .styles import Palette, StyleEngine

# Elements whose text never reaches the reader.
NON_CONTENT = {"head", "style", "script", "title", "meta", "link", "noscript", "template"}
# Elements whose text would not help to find them.
NO_TEXT_LABEL = {"html", "head", "body", "style", "meta", "title", "link", "table", "tr"}
# Elements that start a block of text (used to split visible text into paragraphs).
BLOCKS = {"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "div",
          "pre", "dd", "dt", "figcaption", "address"}


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class TextRun:
    """A piece of visible text and the element that styles it."""

    element: Any
    text: str


@dataclass
class Email:
    position: int
    slug: str
    subject: str
    preheader: str
    html_name: str
    text_name: str
    html: str | None
    text: str | None
    entry: dict[str, Any]
    html_bytes: int = 0

    @property
    def name(self) -> str:
        return self.html_name

    @cached_property
    def root(self):
        """The lxml document, or None when there is no HTML."""
        if not self.html:
            return None
        # lxml wants bytes when the document declares its encoding.
        return lxml.html.document_fromstring(self.html.encode("utf-8"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8"))

    @cached_property
    def body(self):
        root = self.root
        if root is None:
            return None
        bodies = root.xpath("//body")
        return bodies[0] if bodies else root

    @cached_property
    def styles(self) -> StyleEngine:
        return StyleEngine(self.root)

    def elements(self, tag: str | None = None):
        """Content elements of the body in document order (comments, PIs and head excluded)."""
        if self.body is None:
            return []
        return [el for el in self.body.iter(tag or etree.Element)
                if isinstance(el.tag, str) and not self.in_non_content(el)]

    @staticmethod
    def in_non_content(el) -> bool:
        return any(isinstance(a.tag, str) and a.tag in NON_CONTENT
                   for a in el.iterancestors()) or el.tag in NON_CONTENT

    def visible_runs(self, palette: Palette = Palette.LIGHT) -> list[TextRun]:
        """Visible text in document order, each piece with the element whose style it takes."""
        runs: list[TextRun] = []
        if self.body is None:
            return runs
        engine = self.styles

        def walk(el) -> None:
            if not isinstance(el.tag, str) or el.tag in NON_CONTENT:
                return
            if engine.computed(el, palette).hidden:
                return
            if el.text and el.text.strip():
                runs.append(TextRun(el, el.text))
            for child in el:
                walk(child)
                if child.tail and child.tail.strip():
                    runs.append(TextRun(el, child.tail))

        walk(self.body)
        return runs

    @cached_property
    def visible_text(self) -> str:
        return normalise_space(" ".join(r.text for r in self.visible_runs()))

    @cached_property
    def all_text(self) -> str:
        """All body text, hidden parts (the preheader) included."""
        if self.body is None:
            return ""
        return normalise_space(" ".join(
            t for el in self.elements() for t in (el.text, *(c.tail for c in el)) if t))

    def paragraphs(self) -> list[tuple[Any, str]]:
        """Visible text grouped by innermost block element: (element, normalised text)."""
        by_block: dict[Any, list[str]] = {}
        order: list[Any] = []
        for run in self.visible_runs():
            block = run.element
            while block is not None and block.tag not in BLOCKS:
                block = block.getparent()
            key = block if block is not None else run.element
            if key not in by_block:
                by_block[key] = []
                order.append(key)
            by_block[key].append(run.text)
        return [(el, normalise_space(" ".join(by_block[el]))) for el in order]


@dataclass
class Campaign:
    out_dir: Path
    settings: Settings
    manifest: dict[str, Any]
    emails: list[Email] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return (self.manifest.get("campaign") or {}).get("lang") or self.settings.lang or ""

    def sample_urls(self, email: Email) -> dict[str, str]:
        """The unsubscribe and web-version URLs the build filled into this email."""
        from dripcraft import merge

        stub = SimpleNamespace(slug=email.slug, preheader=email.preheader)
        values = merge.sample_values(self.settings, stub, html=False)
        return {"unsubscribe": values[merge.UNSUBSCRIBE_URL],
                "web_version": values[merge.WEB_VERSION_URL]}


def describe(el, text_hint: str = "") -> str:
    """A short, stable label for an element: `<p class="x"> "first words…"`."""
    if el is None:
        return ""
    attrs = ""
    for name in ("id", "class"):
        if el.get(name):
            attrs += f' {name}="{el.get(name)}"'
    text = ""
    if el.tag not in NO_TEXT_LABEL:
        text = normalise_space(text_hint or el.text_content())
    if len(text) > 40:
        text = text[:39].rstrip() + "…"
    return f"<{el.tag}{attrs}>" + (f' "{text}"' if text else "")


def load_campaign(out_dir: Path, settings: Settings) -> Campaign:
    """Read a built folder. Missing HTML or text files are kept as None for the checks to flag."""
    out_dir = Path(out_dir)
    manifest_path = out_dir / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DripcraftError("no manifest.json", path=manifest_path,
                             hint="run `dripcraft build` first") from None
    except json.JSONDecodeError as exc:
        raise DripcraftError(f"manifest.json is not valid JSON: {exc.msg}", path=manifest_path,
                             line=exc.lineno) from None
    campaign = Campaign(out_dir, settings, manifest)
    for entry in sorted(manifest.get("emails", []), key=lambda e: e.get("position", 0)):
        position = int(entry["position"])
        slug = entry.get("slug") or f"email-{position}"
        html_name = entry.get("html") or f"{position:02d}-{slug}.html"
        text_name = entry.get("text") or f"{position:02d}-{slug}.txt"
        html_path, text_path = out_dir / html_name, out_dir / text_name
        html_raw = html_path.read_bytes() if html_path.is_file() else None
        text = text_path.read_text(encoding="utf-8") if text_path.is_file() else None
        campaign.emails.append(Email(
            position=position, slug=slug,
            subject=entry.get("subject") or "", preheader=entry.get("preheader") or "",
            html_name=html_name, text_name=text_name,
            html=html_raw.decode("utf-8", errors="replace") if html_raw is not None else None,
            text=text, entry=entry, html_bytes=len(html_raw or b""),
        ))
    return campaign
