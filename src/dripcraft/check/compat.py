"""compat/*: CSS and HTML features the big clients do not (fully) support, per caniemail.

What is collected from an email: inline `style` declarations (properties, `prop:value` pairs
like `display:flex`, units, functions, `!important`), the `<style>` blocks (the same, plus
at-rules, media features, selectors and pseudo-classes), HTML elements, attributes and image
formats. Each maps to a caniemail feature slug; the mapping is derived from the feature titles
(as the npm package does), so a data refresh picks up new features by itself.

One finding per feature and email, the client variants collapsed into the six groups of
caniemail.CLIENT_GROUPS, with the feature's last test date. Severity policy:

- compat/unsupported (warning): used in the email's markup or inline CSS and not supported by
  at least one group, after known fallbacks are taken into account (see MITIGATIONS).
- compat/partial (info): partially supported somewhere.
- compat/enhancement (info): progressive enhancement that degrades gracefully by design:
  anything that only appears in `<style>` (after inlining, what is left there is media queries,
  dark mode and hover, all optional), the features in GRACEFUL (hints such as `lang`, `role`,
  `target`, colour-scheme metadata, shadows), and hiding properties on an element that is hidden
  anyway (the hidden preheader layers `display:none`, `max-height:0`, `opacity:0`, `mso-hide`).

`checks: {compat/<feature-slug>: off}` in campaign.yaml silences one feature.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import tinycss2

from . import caniemail
from .document import Campaign, Email, describe
from .model import Hit, define, email_check
from .styles import Palette, parse_declarations

UNSUPPORTED = define("compat/unsupported", "warning",
                     "a CSS or HTML feature the email relies on is unsupported in a major client")
PARTIAL = define("compat/partial", "info",
                 "a CSS or HTML feature is only partly supported in a major client")
ENHANCEMENT = define("compat/enhancement", "info",
                     "a progressive-enhancement feature (dark mode, media queries, hints) "
                     "that some clients ignore")

# Dropping these loses nothing a reader needs: semantic hints and cosmetics.
GRACEFUL = {
    # hints that clients may drop without changing what the reader sees
    "html-doctype", "html-body", "html-target", "html-lang", "html-dir", "html-role",
    "html-aria-label", "html-aria-hidden", "html-aria-describedby", "html-aria-labelledby",
    "html-aria-live", "html-meta-color-scheme", "css-color-scheme", "html-style",
    "html-comments",
    # cosmetics: square corners, no shadow, plainer underline, default wrapping
    "css-border-radius", "css-box-shadow", "css-text-shadow", "css-transition",
    "css-opacity", "css-cursor", "css-user-select", "css-letter-spacing",
    "css-text-decoration-thickness", "css-text-underline-offset", "css-word-break",
    "css-overflow-wrap", "css-word-wrap", "css-hyphens",
}
# Properties that only hide things; on an element hidden by other means they are layered
# fallbacks, not dependencies.
HIDING_PROPS = {"display", "visibility", "opacity", "max-height", "max-width", "height",
                "width", "overflow", "font-size", "line-height", "mso-hide"}
# Longhands that caniemail files under their shorthand.
SHORTHAND_FAMILIES = ("margin", "padding", "border", "outline", "overflow", "inset")

# A fallback the email carries makes a group's "unsupported" harmless: slug -> (group, test).
MITIGATIONS = {
    # Rounded buttons: Outlook on Windows draws the VML <v:roundrect> instead.
    "css-border-radius": ("outlook-windows", lambda email: "v:roundrect" in (email.html or "")),
    # Fluid widths: Outlook on Windows gets a fixed-width ghost table in conditional comments.
    "css-max-width": ("outlook-windows", lambda email: _has_mso_table(email)),
    "css-min-width": ("outlook-windows", lambda email: _has_mso_table(email)),
}


def _has_mso_table(email: Email) -> bool:
    return bool(re.search(r"<!--\[if [^\]]*mso[^\]]*\]>.*?<table", email.html or "",
                          re.S | re.I))


@dataclass
class Index:
    """From CSS/HTML names to caniemail slugs, derived from feature titles."""

    properties: dict[str, set[str]] = field(default_factory=dict)
    pairs: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    functions: dict[str, set[str]] = field(default_factory=dict)
    units: dict[str, set[str]] = field(default_factory=dict)
    keywords: dict[str, set[str]] = field(default_factory=dict)
    at_rules: dict[str, set[str]] = field(default_factory=dict)
    media_features: dict[str, set[str]] = field(default_factory=dict)
    pseudos: dict[str, set[str]] = field(default_factory=dict)
    selectors: dict[str, str] = field(default_factory=dict)
    elements: dict[str, set[str]] = field(default_factory=dict)
    element_attrs: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)
    attributes: dict[str, set[str]] = field(default_factory=dict)
    images: dict[str, set[str]] = field(default_factory=dict)

    @staticmethod
    def add(table: dict, key, slug: str) -> None:
        table.setdefault(key, set()).add(slug)


SELECTOR_TITLES = {
    "Adjacent sibling combinator": "adjacent", "Attribute selector": "attribute",
    "Chaining selectors": "chaining", "Child combinator": "child", "Class selector": "class",
    "Descendant combinator": "descendant", "General sibling combinator": "sibling",
    "Grouping selectors": "grouping", "ID selector": "id", "Type selector": "type",
    "Universal selector *": "universal",
}
PROPERTY_NAME = re.compile(r"^[a-z][a-z-]*$")


@lru_cache(maxsize=1)
def index() -> Index:
    ix = Index()
    for slug, feature in caniemail.features().items():
        title = feature.title
        if feature.category == "css":
            _index_css(ix, slug, title)
        elif feature.category == "html":
            _index_html(ix, slug, title)
        elif feature.category == "image":
            m = re.match(r"(\w+) image format", title)
            if m:
                for ext in {"jpg": ("jpg", "jpeg"), "heif": ("heif", "heic")}.get(
                        m.group(1).lower(), (m.group(1).lower(),)):
                    ix.add(ix.images, ext, slug)
            if slug == "image-base64":
                ix.add(ix.images, "data:", slug)
    return ix


def _index_css(ix: Index, slug: str, title: str) -> None:
    if title in SELECTOR_TITLES:
        ix.selectors[SELECTOR_TITLES[title]] = slug
        return
    if title.startswith("@media ("):
        for feat in re.findall(r"\(([-a-z]+)\)", title):
            ix.add(ix.media_features, feat, slug)
        return
    if title.startswith("@"):
        ix.add(ix.at_rules, title[1:].strip(), slug)
        return
    if title.startswith(":") or slug.startswith("css-pseudo"):
        ix.add(ix.pseudos, title.lstrip(":").rstrip("()"), slug)
        return
    if title == "CSS Variables (Custom Properties)":
        ix.add(ix.functions, "var", slug)
        return
    if title.endswith(" keyword"):
        ix.add(ix.keywords, title[: -len(" keyword")].strip(), slug)
        return
    if title.endswith(" unit"):
        ix.add(ix.units, title[: -len(" unit")].strip(), slug)
        return
    pair = re.fullmatch(r"([a-z-]+):\s*([a-z-]+)", title)
    if pair:
        ix.add(ix.pairs, (pair.group(1), pair.group(2)), slug)
        return
    functions = re.findall(r"([a-z-]+)\(\)", title)
    if functions:
        for name in functions:
            ix.add(ix.functions, name, slug)
        return
    if slug == "css-sytem-ui":  # a list of font-family keywords, not properties
        for name in re.split(r",\s*", title):
            ix.add(ix.keywords, name.strip(), slug)
        return
    if slug == "css-intrinsic-size":
        for name in re.split(r",\s*", title):
            ix.add(ix.keywords, name.strip(), slug)
        return
    cleaned = re.sub(r" (shorthand|property|CSS property|properties)$", "", title.strip())
    for name in re.split(r",\s*|\s*&\s*", cleaned):
        if PROPERTY_NAME.match(name.strip()):
            ix.add(ix.properties, name.strip(), slug)


def _index_html(ix: Index, slug: str, title: str) -> None:
    special = {
        "address": ["address"], "HTML5 semantics": ["article", "aside", "details",
                                                    "figcaption", "figure", "footer",
                                                    "header", "main", "mark", "nav",
                                                    "section", "summary", "time"],
        "Image maps": ["map"], "Embedded <svg> image": ["svg"], "<base>": ["base"],
        "HTML5 doctype": ["!doctype"],
    }
    if title in special:
        for tag in special[title]:
            ix.add(ix.elements, tag, slug)
        return
    if title == "srcset and sizes attributes":
        ix.add(ix.attributes, "srcset", slug)
        ix.add(ix.attributes, "sizes", slug)
        return
    if title in ("Local anchors", "mailto: links", "HTML comments"):
        return  # handled directly in collect_html
    pair = re.fullmatch(r'<(\w+) (\w+)="(\w+)"> element', title)
    if pair:
        ix.add(ix.element_attrs, (pair.group(1), pair.group(2), pair.group(3)), slug)
        return
    if title.endswith(" attribute"):
        ix.add(ix.attributes, title[: -len(" attribute")].strip(), slug)
        return
    tags = re.findall(r"<(\w+)>", title)
    if "to" in title.split() and len(tags) == 2 and tags[0][0] == "h":
        tags = [f"h{i}" for i in range(int(tags[0][1]), int(tags[1][1]) + 1)]
    for tag in tags:
        ix.add(ix.elements, tag, slug)


# --- collecting what an email uses ----------------------------------------------------------


@dataclass
class Use:
    """Where a feature is used: first element/line, whether only from <style>, counts."""

    slug: str
    element: str | None = None
    line: int | None = None
    count: int = 0
    in_markup: bool = False  # inline CSS or HTML (not only <style>)
    only_hiding: bool = True  # every inline use is a hiding property on a hidden element
    examples: list[str] = field(default_factory=list)


class Collector:
    def __init__(self, email: Email) -> None:
        self.email = email
        self.ix = index()
        self.uses: dict[str, Use] = {}

    def hit(self, slugs: Iterable[str], *, el=None, line=None, markup: bool,
            hiding: bool = False, example: str = "") -> None:
        for slug in slugs:
            use = self.uses.setdefault(slug, Use(slug))
            use.count += 1
            if markup and not use.in_markup and el is not None:
                # Point at the first use in the markup: that is what clients choke on.
                use.element, use.line = None, None
            if markup:
                use.in_markup = True
                use.only_hiding = use.only_hiding and hiding
            if use.element is None and el is not None:
                use.element = describe(el)
                use.line = line if line is not None else el.sourceline
            elif use.line is None and line is not None:
                use.line = line
            if example and example not in use.examples and len(use.examples) < 3:
                use.examples.append(example)

    # CSS declarations, inline or in <style>.
    def declarations(self, css: str, *, el=None, line=None, markup: bool,
                     hidden: bool = False) -> None:
        ix = self.ix
        for decl in parse_declarations(css):
            prop = decl.prop
            if prop.startswith(("-", "mso-")):
                continue  # vendor and Outlook-only properties have no caniemail entry
            hiding = hidden and prop in HIDING_PROPS
            example = f"{prop}: {decl.value}"
            slugs = set(ix.properties.get(prop, ()))
            if not slugs:
                for family in SHORTHAND_FAMILIES:
                    if prop.startswith(family + "-"):
                        slugs |= ix.properties.get(family, set())
                if re.fullmatch(r"border-(top|bottom)-(left|right)-radius", prop):
                    slugs |= ix.properties.get("border-radius", set())
            value = decl.value.lower()
            first = value.split()[0] if value.split() else ""
            slugs |= ix.pairs.get((prop, first), set())
            if decl.important:
                slugs |= ix.keywords.get("!important", set())
            for token in _walk(decl.tokens):
                if token.type == "function":
                    slugs |= ix.functions.get(token.lower_name, set())
                elif token.type == "dimension":
                    slugs |= ix.units.get(token.lower_unit, set())
                elif token.type == "percentage":
                    slugs |= ix.units.get("%", set())
                elif token.type == "ident":
                    slugs |= ix.keywords.get(token.lower_value, set())
                    if token.lower_value == "initial":
                        slugs |= ix.units.get("initial", set())
            self.hit(sorted(slugs), el=el, line=line, markup=markup, hiding=hiding,
                     example=example)

    def stylesheet(self, style_el) -> None:
        css = style_el.text or ""
        base_line = style_el.sourceline or 0
        ix = self.ix

        def walk(nodes) -> None:
            for node in nodes:
                line = base_line + (node.source_line - 1 if node.source_line else 0)
                if node.type == "at-rule":
                    name = node.lower_at_keyword
                    self.hit(ix.at_rules.get(name, ()), el=style_el, line=line, markup=False,
                             example=f"@{name}")
                    prelude = tinycss2.serialize(node.prelude).lower()
                    if name == "media":
                        for feat in re.findall(r"\(\s*([-a-z]+)", prelude):
                            self.hit(ix.media_features.get(feat, ()), el=style_el, line=line,
                                     markup=False, example=f"@media ({feat})")
                    if node.content is not None:
                        if name in ("media", "supports", "document"):
                            walk(tinycss2.parse_rule_list(node.content, skip_whitespace=True,
                                                          skip_comments=True))
                        else:
                            self.declarations(tinycss2.serialize(node.content), el=style_el,
                                              line=line, markup=False)
                elif node.type == "qualified-rule":
                    selector = tinycss2.serialize(node.prelude).strip()
                    self.selector(selector, style_el, line)
                    self.declarations(tinycss2.serialize(node.content), el=style_el,
                                      line=line, markup=False)

        walk(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True))

    def selector(self, selector: str, style_el, line: int) -> None:
        ix = self.ix
        kinds: set[str] = set()
        groups = [s.strip() for s in selector.split(",") if s.strip()]
        if len(groups) > 1:
            kinds.add("grouping")
        for sel in groups:
            bare = re.sub(r"\[[^\]]*\]", "[]", sel)
            bare = re.sub(r"\([^)]*\)", "()", bare)
            if "[]" in bare:
                kinds.add("attribute")
            if re.search(r"\.[\w-]", bare):
                kinds.add("class")
            if re.search(r"\.[\w-]+[^\s>+~,]*\.[\w-]", bare):
                kinds.add("chaining")
            if re.search(r"#[\w-]", bare):
                kinds.add("id")
            if "*" in bare:
                kinds.add("universal")
            if ">" in bare:
                kinds.add("child")
            if "+" in bare:
                kinds.add("adjacent")
            if "~" in bare:
                kinds.add("sibling")
            if re.search(r"[\w\])*]\s+(?=[\w.#\[*:])", bare):
                kinds.add("descendant")
            if re.search(r"(^|[\s>+~(])[a-zA-Z][\w-]*", bare):
                kinds.add("type")
            for pseudo in re.findall(r"::?([a-z-]+)", bare):
                slugs = ix.pseudos.get(pseudo, set())
                self.hit(slugs, el=style_el, line=line, markup=False, example=f":{pseudo}")
        self.hit(sorted(ix.selectors[k] for k in kinds if k in ix.selectors), el=style_el,
                 line=line, markup=False, example=selector[:60])

    def run(self) -> dict[str, Use]:
        email, ix = self.email, self.ix
        root = email.root
        if root is None:
            return {}
        in_body = set(email.body.iter()) if email.body is not None else set()
        doctype = root.getroottree().docinfo.doctype or ""
        if doctype.lower().strip() == "<!doctype html>":
            self.hit(ix.elements.get("!doctype", ()), line=1, markup=True, example=doctype)
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            tag = el.tag.lower()
            if tag == "style":
                self.stylesheet(el)
                continue
            self.hit(ix.elements.get(tag, ()), el=el, markup=True, example=f"<{tag}>")
            for name, value in el.attrib.items():
                name = name.lower()
                if name == "style":
                    hidden = el in in_body and email.styles.computed(el, Palette.LIGHT).hidden
                    self.declarations(value, el=el, markup=True, hidden=hidden)
                    continue
                self.hit(ix.attributes.get(name, ()), el=el, markup=True,
                         example=f'{name}="{value[:30]}"' if value else name)
                self.hit(ix.element_attrs.get((tag, name, (value or "").lower()), ()), el=el,
                         markup=True, example=f'<{tag} {name}="{value}">')
                if tag == "meta" and name == "name" and value.lower() == "color-scheme":
                    self.hit(("html-meta-color-scheme",), el=el, markup=True,
                             example='<meta name="color-scheme">')
            href = (el.get("href") or "").strip().lower() if tag == "a" else ""
            if href.startswith("mailto:"):
                self.hit(("html-mailto-links",), el=el, markup=True, example="mailto:")
            if tag == "a" and (href.startswith("#") or (el.get("name") and not href)):
                self.hit(("html-anchor-links",), el=el, markup=True, example="#anchor")
            if tag == "img":
                src = (el.get("src") or "").strip().lower()
                if src.startswith("data:"):
                    self.hit(ix.images.get("data:", ()), el=el, markup=True, example="data:")
                else:
                    ext = re.search(r"\.([a-z0-9]+)(?:[?#]|$)", src)
                    if ext:
                        self.hit(ix.images.get(ext.group(1), ()), el=el, markup=True,
                                 example=f".{ext.group(1)}")
        known = caniemail.features()
        return {slug: use for slug, use in self.uses.items() if slug in known}


def _walk(tokens):
    for token in tokens:
        yield token
        if token.type == "function":
            yield from _walk(token.arguments)
        elif token.type in ("() block", "[] block", "{} block"):
            yield from _walk(token.content)


def _groups_text(groups: Iterable[str]) -> str:
    return ", ".join(caniemail.GROUP_LABELS[g] for g in groups)


@email_check
def check_compat(email: Email, campaign: Campaign) -> Iterable[Hit]:
    for slug, use in sorted(Collector(email).run().items()):
        feature = caniemail.features()[slug]
        unsupported = feature.unsupported
        partial = feature.partial
        mitigated: list[str] = []
        if slug in MITIGATIONS:
            group, present = MITIGATIONS[slug]
            if group in unsupported and present(email):
                unsupported = [g for g in unsupported if g != group]
                mitigated.append(group)
        if not unsupported and not partial and not mitigated:
            continue
        graceful = (not use.in_markup or slug in GRACEFUL or use.only_hiding)
        if graceful:
            rule = ENHANCEMENT
        elif unsupported:
            rule = UNSUPPORTED
        else:
            rule = PARTIAL
        parts = []
        if unsupported:
            parts.append(f"not supported in {_groups_text(unsupported)}")
        if partial:
            parts.append(f"partly supported in {_groups_text(partial)}")
        if mitigated:
            parts.append(f"fallback present for {_groups_text(mitigated)}")
        tested = f"caniemail, last tested {feature.last_test_date}"
        message = f"{feature.title}: {'; '.join(parts)} ({tested})"
        if rule == ENHANCEMENT:
            why = ("only in <style>" if not use.in_markup else
                   "hiding fallback" if use.only_hiding and slug not in GRACEFUL else
                   "harmless when ignored")
            fix = f"nothing to do: progressive enhancement ({why}); details {feature.url}"
        elif rule == UNSUPPORTED:
            fix = f"give those clients a fallback (tables, VML, inline styles) or drop it; " \
                  f"see {feature.url}"
        else:
            fix = f"check the notes for the clients named; see {feature.url}"
        notes = {g.group: list(g.notes) for g in feature.groups
                 if g.notes and g.support != "supported"}
        yield Hit(rule, message, fix, element=use.element, line=use.line, data={
            "feature": slug, "title": feature.title, "url": feature.url,
            "last_test_date": feature.last_test_date, "unsupported": unsupported,
            "partial": partial, "mitigated": mitigated, "uses": use.count,
            "examples": use.examples, "notes": notes,
            "support": {g.group: g.support for g in feature.groups},
        })
