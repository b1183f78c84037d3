"""A small CSS cascade for emails: the colours, sizes and visibility a reader gets.

Two palettes are computed for every element:

- light: inline `style`, presentational attributes (`bgcolor`, `<font color>`) and the
  `<style>` rules that apply without a media query (what every client shows);
- dark: the same plus the rules inside `@media (prefers-color-scheme: dark)` (the *authored*
  dark palette, as Apple Mail and Outlook.com/iOS show it).

Selectors are matched with lxml's cssselect (class, type, id, attribute, combinators); rules
whose selectors cannot match a static document (`:hover`, Outlook.com's `[data-ogsc]`
prefixes) simply match nothing. Precedence follows CSS: `!important`, then inline over
stylesheet over presentational attributes, then specificity, then source order. Media queries
about the viewport (`max-width: 600px`) are ignored: the checks look at the desktop layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

import cssselect
import tinycss2
import tinycss2.color3
from lxml.cssselect import CSSSelector

ROOT_FONT_PX = 16.0
# Browser defaults that matter for size and weight.
DEFAULT_EM = {"h1": 2.0, "h2": 1.5, "h3": 1.17, "h4": 1.0, "h5": 0.83, "h6": 0.67,
              "small": 0.83, "sub": 0.83, "sup": 0.83}
BOLD_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "b", "strong", "th"}
FONT_KEYWORDS = {"xx-small": 9, "x-small": 10, "small": 13, "medium": 16, "large": 18,
                 "x-large": 24, "xx-large": 32, "xxx-large": 48}
FONT_TAG_SIZES = {1: 10, 2: 13, 3: 16, 4: 18, 5: 24, 6: 32, 7: 48}
UNIT_PX = {"px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4}
BGCOLOR_TAGS = {"body", "table", "tr", "td", "th"}
# Link colour when nothing sets one (the common webmail default).
DEFAULT_LINK = (0.0, 0.0, 0.933)

RGB = tuple[float, float, float]


class Palette(str, Enum):
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True)
class Decl:
    prop: str
    value: str
    tokens: tuple
    important: bool


@dataclass(frozen=True)
class Computed:
    color: RGB  # text colour, already composited over the backdrop
    background: RGB  # the opaque colour behind this element's text
    image_backdrop: bool  # a background image sits behind the text: contrast unknown
    font_px: float
    bold: bool
    hidden: bool
    color_source: str  # the CSS value or attribute the colour came from, for messages
    background_source: str


# --- colours ------------------------------------------------------------------------------


def parse_color(value: Any) -> tuple[float, float, float, float] | str | None:
    """A colour value (string or token) as RGBA floats, 'currentColor', or None."""
    if isinstance(value, str):
        tokens = [t for t in tinycss2.parse_component_value_list(value)
                  if t.type not in ("whitespace", "comment")]
        if len(tokens) != 1:
            return None
        value = tokens[0]
    try:
        parsed = tinycss2.color3.parse_color(value)
    except Exception:  # tinycss2 raises on some malformed function tokens
        return None
    if parsed is None or isinstance(parsed, str):
        return parsed
    return (parsed.red, parsed.green, parsed.blue, parsed.alpha)


def first_color(tokens) -> tuple[float, float, float, float] | None:
    """The first colour among the tokens of a shorthand like `background`."""
    for token in tokens:
        if token.type in ("whitespace", "comment", "literal"):
            continue
        color = parse_color(token)
        if color is not None and not isinstance(color, str):
            return color
    return None


def has_url(tokens) -> bool:
    return any(t.type == "url" or (t.type == "function" and t.lower_name in
                                   ("url", "linear-gradient", "radial-gradient"))
               for t in tokens)


def blend(top: tuple[float, float, float, float], bottom: RGB) -> RGB:
    a = top[3]
    return tuple(top[i] * a + bottom[i] * (1 - a) for i in range(3))  # type: ignore[return-value]


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2.x relative luminance of an sRGB colour with channels in 0..1."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(fg: RGB, bg: RGB) -> float:
    """WCAG contrast ratio (1..21) of two opaque colours."""
    l1, l2 = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (l1 + 0.05) / (l2 + 0.05)


def hex_color(rgb: RGB) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def rgb_from_hex(value: str) -> RGB:
    color = parse_color(value)
    assert color is not None and not isinstance(color, str), value
    return color[:3]


def suggest_color(fg: RGB, bg: RGB, target: float) -> RGB:
    """The colour nearest to `fg` (towards black or white) that reaches `target` on `bg`."""
    dark_bg = relative_luminance(bg) < 0.18
    end = (1.0, 1.0, 1.0) if dark_bg else (0.0, 0.0, 0.0)
    for step in range(1, 101):
        t = step / 100
        candidate = tuple(round((fg[i] * (1 - t) + end[i] * t) * 255) / 255 for i in range(3))
        if contrast_ratio(candidate, bg) >= target:  # type: ignore[arg-type]
            return candidate  # type: ignore[return-value]
    return end


# --- declarations and selectors -----------------------------------------------------------


@lru_cache(maxsize=4096)
def parse_declarations(css: str) -> tuple[Decl, ...]:
    """A declaration list (a style attribute or a rule body). Memoised: templates repeat the
    same inline style on every paragraph."""
    out: list[Decl] = []
    for item in tinycss2.parse_declaration_list(css, skip_whitespace=True, skip_comments=True):
        if item.type != "declaration":
            continue
        tokens = tuple(t for t in item.value if t.type != "comment")
        out.append(Decl(item.lower_name, tinycss2.serialize(tokens).strip(), tokens,
                        item.important))
    return tuple(out)


def media_contexts(prelude: str) -> set[Palette]:
    """Which palettes an @media block applies to (empty: viewport-specific, ignored)."""
    text = re.sub(r"\s+", "", prelude.lower())
    if "prefers-color-scheme:dark" in text:
        return {Palette.DARK}
    if "prefers-color-scheme:light" in text:
        return {Palette.LIGHT}
    if re.search(r"width|height|orientation|resolution|pixel-ratio|hover|pointer", text):
        return set()
    return {Palette.LIGHT, Palette.DARK}


@dataclass(frozen=True)
class StyleRule:
    selector: str
    specificity: tuple[int, int, int]
    order: int
    decls: tuple[Decl, ...]
    palettes: frozenset[Palette]


def stylesheet_rules(css: str, start_order: int = 0) -> list[StyleRule]:
    """Flatten a stylesheet into (selector, declarations, palettes) rules in source order."""
    rules: list[StyleRule] = []

    def add(nodes, palettes: set[Palette]) -> None:
        for node in nodes:
            if node.type == "qualified-rule":
                decls = tuple(parse_declarations(tinycss2.serialize(node.content)))
                for selector in tinycss2.serialize(node.prelude).split(","):
                    selector = selector.strip()
                    try:
                        parsed = cssselect.parse(selector)
                    except Exception:  # not a selector cssselect knows: it cannot match
                        continue
                    for sel in parsed:
                        rules.append(StyleRule(selector, sel.specificity(),
                                               start_order + len(rules), decls,
                                               frozenset(palettes)))
            elif node.type == "at-rule" and node.lower_at_keyword == "media" and node.content:
                inner = palettes & media_contexts(tinycss2.serialize(node.prelude))
                if inner:
                    add(tinycss2.parse_rule_list(node.content, skip_whitespace=True,
                                                 skip_comments=True), inner)

    add(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True),
        {Palette.LIGHT, Palette.DARK})
    return rules


def length_px(tokens, parent_px: float) -> float | None:
    """A font-size value in px, relative units resolved against the parent's size."""
    tokens = [t for t in tokens if t.type not in ("whitespace", "comment")]
    if len(tokens) != 1:
        return None
    t = tokens[0]
    if t.type == "dimension":
        unit = t.lower_unit
        if unit in UNIT_PX:
            return t.value * UNIT_PX[unit]
        if unit == "em":
            return t.value * parent_px
        if unit == "rem":
            return t.value * ROOT_FONT_PX
        return None
    if t.type == "percentage":
        return t.value / 100 * parent_px
    if t.type == "number" and t.value == 0:
        return 0.0
    if t.type == "ident":
        name = t.lower_value
        if name in FONT_KEYWORDS:
            return float(FONT_KEYWORDS[name])
        if name == "smaller":
            return parent_px * 0.83
        if name == "larger":
            return parent_px * 1.2
    return None


def font_shorthand_px(tokens, parent_px: float) -> float | None:
    """The size inside `font: [style] [weight] size[/line-height] family`."""
    for t in tokens:
        if t.type in ("dimension", "percentage"):
            return length_px([t], parent_px)
        if t.type == "ident" and t.lower_value in FONT_KEYWORDS:
            return float(FONT_KEYWORDS[t.lower_value])
    return None


def is_bold(value: str) -> bool | None:
    v = value.strip().lower()
    if v in ("bold", "bolder"):
        return True
    if v in ("normal", "lighter"):
        return False
    if v.isdigit():
        return int(v) >= 600
    return None


def zero_length(value: str) -> bool:
    return bool(re.fullmatch(r"0(\.0+)?(px|em|rem|pt|%)?", value.strip().lower()))


class StyleEngine:
    """Computes per-element styles of one document, once per palette (memoised)."""

    def __init__(self, root) -> None:
        self.root = root
        self._cache: dict[Palette, dict[Any, Computed]] = {Palette.LIGHT: {}, Palette.DARK: {}}
        self.rules: list[StyleRule] = []
        self.matches: dict[Any, list[tuple[StyleRule, Decl]]] = {}
        self.has_dark_rules = False
        self.dark_scheme = False
        if root is None:
            return
        for style in root.iter("style"):
            self.rules.extend(stylesheet_rules(style.text or "", len(self.rules)))
        for rule in self.rules:
            if Palette.DARK in rule.palettes and Palette.LIGHT not in rule.palettes:
                self.has_dark_rules = True
            try:
                matched = CSSSelector(rule.selector)(root)
            except Exception:  # unsupported pseudo-classes and the like: no static match
                continue
            for el in matched:
                self.matches.setdefault(el, []).extend((rule, d) for d in rule.decls)
        # A document that opts into dark rendering gets a dark canvas in dark mode.
        for meta in root.iter("meta"):
            if (meta.get("name") or "").lower() in ("color-scheme", "supported-color-schemes") \
                    and "dark" in (meta.get("content") or "").lower():
                self.dark_scheme = True

    # The winning declaration for each property of an element in a palette.
    def declared(self, el, palette: Palette) -> dict[str, tuple[Decl, str]]:
        candidates: list[tuple[tuple, Decl, str]] = []
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in BGCOLOR_TAGS and el.get("bgcolor"):
            value = el.get("bgcolor")
            candidates.append(((False, 0, (0, 0, 0), 0),
                               Decl("background-color", value,
                                    tuple(tinycss2.parse_component_value_list(value)), False),
                               f'bgcolor="{value}"'))
        if tag == "font" and el.get("color"):
            value = el.get("color")
            candidates.append(((False, 0, (0, 0, 0), 0),
                               Decl("color", value,
                                    tuple(tinycss2.parse_component_value_list(value)), False),
                               f'color="{value}"'))
        for rule, decl in self.matches.get(el, ()):
            if palette in rule.palettes:
                scope = "dark" if Palette.LIGHT not in rule.palettes else "style"
                candidates.append(((decl.important, 1, rule.specificity, rule.order), decl,
                                   f"{rule.selector} ({scope})"))
        for i, decl in enumerate(parse_declarations(el.get("style") or "")):
            candidates.append(((decl.important, 2, (1, 0, 0), i), decl, "inline style"))
        out: dict[str, tuple[Decl, str]] = {}
        best: dict[str, tuple] = {}
        for key, decl, source in candidates:
            if decl.prop not in best or key >= best[decl.prop]:
                best[decl.prop] = key
                out[decl.prop] = (decl, source)
        return out

    def computed(self, el, palette: Palette = Palette.LIGHT) -> Computed:
        cache = self._cache[palette]
        if el in cache:
            return cache[el]
        parent = el.getparent()
        while parent is not None and not isinstance(parent.tag, str):
            parent = parent.getparent()
        base = self.computed(parent, palette) if parent is not None else self._initial(palette)
        result = self._compute(el, base, palette)
        cache[el] = result
        return result

    def _initial(self, palette: Palette) -> Computed:
        dark = palette is Palette.DARK and self.dark_scheme
        fg, bg = ((1.0, 1.0, 1.0), (0.0, 0.0, 0.0)) if dark else ((0.0, 0.0, 0.0), (1.0, 1.0, 1.0))
        return Computed(fg, bg, False, ROOT_FONT_PX, False, False, "client default",
                        "client default")

    def _compute(self, el, base: Computed, palette: Palette) -> Computed:
        tag = el.tag if isinstance(el.tag, str) else ""
        decls = self.declared(el, palette)

        def value(prop: str) -> str:
            return decls[prop][0].value.lower() if prop in decls else ""

        # Background: the nearest non-transparent background, blended over the parent's.
        background, bg_source, image = base.background, base.background_source, base.image_backdrop
        for prop in ("background", "background-color"):
            if prop not in decls:
                continue
            decl, source = decls[prop]
            if prop == "background" and has_url(decl.tokens):
                image = True
            color = first_color(decl.tokens) if prop == "background" else parse_color(decl.value)
            if color is not None and not isinstance(color, str) and color[3] > 0:
                background = blend(color, base.background)
                bg_source = f"{decl.value} ({source})"
                image = image if prop == "background" else False
        if "background-image" in decls and has_url(decls["background-image"][0].tokens):
            image = True

        # Font size and weight (inherited).
        font_px = base.font_px
        if tag in DEFAULT_EM:
            font_px = base.font_px * DEFAULT_EM[tag]
        if tag == "font" and (el.get("size") or "").strip().isdigit():
            font_px = float(FONT_TAG_SIZES.get(int(el.get("size").strip()), font_px))
        if "font" in decls:
            font_px = font_shorthand_px(decls["font"][0].tokens, base.font_px) or font_px
        if "font-size" in decls:
            size = length_px(decls["font-size"][0].tokens, base.font_px)
            font_px = font_px if size is None else size
        bold = base.bold or tag in BOLD_TAGS
        if "font" in decls and re.search(r"\b(bold|[6-9]00)\b", value("font")):
            bold = True
        if "font-weight" in decls:
            weight = is_bold(value("font-weight"))
            bold = bold if weight is None else weight

        # Text colour (inherited); links get the client's link blue unless styled.
        color_rgba: tuple[float, float, float, float] | None = None
        color_source = base.color_source
        inherited: RGB = base.color
        if tag == "a" and "color" not in decls:
            inherited, color_source = DEFAULT_LINK, "client default link colour"
        if "color" in decls:
            decl, source = decls["color"]
            parsed = parse_color(decl.value)
            if parsed is not None and not isinstance(parsed, str):
                color_rgba = parsed
                color_source = f"{decl.value} ({source})"
        color = blend(color_rgba, background) if color_rgba else inherited

        hidden = base.hidden or el.get("hidden") is not None
        display, visibility = value("display"), value("visibility")
        overflow = value("overflow")
        if display.startswith("none") or visibility.startswith(("hidden", "collapse")):
            hidden = True
        if "opacity" in decls and zero_length(value("opacity")):
            hidden = True
        if overflow.startswith("hidden") and any(
                p in decls and zero_length(value(p))
                for p in ("max-height", "height", "max-width", "width")):
            hidden = True
        if font_px == 0:
            hidden = True
        return Computed(color, background, image, font_px, bold, hidden, color_source,
                        bg_source)
