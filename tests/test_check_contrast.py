"""WCAG contrast on known pairs, and the cascade that finds the colours in both palettes."""

from __future__ import annotations

import lxml.html
import pytest

from dripcraft.check.styles import (Palette, StyleEngine, contrast_ratio, hex_color,
                                    relative_luminance, rgb_from_hex, suggest_color)


@pytest.mark.parametrize("fg,bg,ratio", [
    ("#000000", "#ffffff", 21.0),
    ("#ffffff", "#ffffff", 1.0),
    ("#777777", "#ffffff", 4.48),   # the classic near miss: fails AA for normal text
    ("#767676", "#ffffff", 4.54),   # the lightest grey that passes on white
    ("#595959", "#ffffff", 7.0),    # passes AA (and AAA)
    ("#ff0000", "#ffffff", 4.0),
    ("#0000ff", "#ffffff", 8.59),
])
def test_wcag_ratio_of_known_pairs(fg, bg, ratio):
    assert contrast_ratio(rgb_from_hex(fg), rgb_from_hex(bg)) == pytest.approx(ratio, abs=0.01)


def test_aa_verdicts():
    white = rgb_from_hex("#fff")
    assert contrast_ratio(rgb_from_hex("#777"), white) < 4.5
    assert contrast_ratio(rgb_from_hex("#595959"), white) >= 4.5
    # #777 is fine for large text (3:1).
    assert contrast_ratio(rgb_from_hex("#777"), white) >= 3.0


def test_relative_luminance_endpoints():
    assert relative_luminance((0, 0, 0)) == 0
    assert relative_luminance((1, 1, 1)) == pytest.approx(1.0)


def test_suggestion_reaches_the_target():
    fg, bg = rgb_from_hex("#777777"), rgb_from_hex("#ffffff")
    better = suggest_color(fg, bg, 4.5)
    assert contrast_ratio(better, bg) >= 4.5
    assert hex_color(better) < "#777777"  # darker on a light background
    on_dark = suggest_color(rgb_from_hex("#555555"), rgb_from_hex("#111111"), 4.5)
    assert contrast_ratio(on_dark, rgb_from_hex("#111111")) >= 4.5


DOC = """<!DOCTYPE html><html><head>
<meta name="color-scheme" content="light dark">
<style>
.note { color: #333333; }
#hero { color: #222222; }
p.weak { color: #444444; }
@media (prefers-color-scheme: dark) {
  .bg { background-color: #111111 !important; }
  .text { color: #eeeeee !important; }
  .soft { color: #dddddd; }
  td p.plain { color: #cccccc !important; }
}
@media (max-width: 600px) { .text { color: #ff0000 !important; } }
</style></head>
<body>
<table role="presentation" class="bg" bgcolor="#ffffff"><tr>
<td class="bg" style="background-color:#fafafa">
<p id="a" class="text" style="color:#1f2328">inline light, dark by !important class</p>
<p id="b" class="soft" style="color:#1f2328">dark rule without !important loses to inline</p>
<p id="c" class="note">stylesheet class</p>
<p id="d" class="plain">td p.plain descendant</p>
<p id="e" class="weak note">type+class beats class</p>
<p id="hero" class="note">id beats class</p>
<p id="f" style="background:rgba(0,0,0,0.5) url(x.png)">image behind</p>
<p id="g"><font color="#00ff00" size="2">font tag</font></p>
<h2 id="h">heading</h2>
<p id="i" style="font-size:75%">small</p>
</td></tr></table>
</body></html>"""


@pytest.fixture(scope="module")
def engine():
    root = lxml.html.document_fromstring(DOC)
    return root, StyleEngine(root)


def styled(engine, el_id: str, palette: Palette = Palette.LIGHT):
    root, eng = engine
    return eng.computed(root.get_element_by_id(el_id), palette)


def test_light_palette_cascade(engine):
    assert hex_color(styled(engine, "a").color) == "#1f2328"
    assert hex_color(styled(engine, "a").background) == "#fafafa"  # inline beats bgcolor
    assert hex_color(styled(engine, "c").color) == "#333333"
    assert hex_color(styled(engine, "e").color) == "#444444"  # p.weak (0,1,1) > .note
    assert hex_color(styled(engine, "hero").color) == "#222222"  # id (1,0,0)
    assert hex_color(styled(engine, "d").color) == "#000000"  # dark-only rule ignored
    root, eng = engine
    font = root.get_element_by_id("g")[0]
    assert hex_color(eng.computed(font).color) == "#00ff00"
    assert eng.computed(font).font_px == 13


def test_dark_palette_applies_prefers_color_scheme_rules(engine):
    root, eng = engine
    assert eng.has_dark_rules and eng.dark_scheme
    a = styled(engine, "a", Palette.DARK)
    assert hex_color(a.color) == "#eeeeee"  # !important beats inline
    assert hex_color(a.background) == "#111111"
    # Without !important the inline light colour wins: that is what clients show.
    assert hex_color(styled(engine, "b", Palette.DARK).color) == "#1f2328"
    assert hex_color(styled(engine, "d", Palette.DARK).color) == "#cccccc"  # type selectors
    # Viewport media queries do not apply to either palette.
    assert hex_color(styled(engine, "a", Palette.LIGHT).color) != "#ff0000"


def test_background_image_and_sizes(engine):
    assert styled(engine, "f").image_backdrop
    assert styled(engine, "h").font_px == 24 and styled(engine, "h").bold
    assert styled(engine, "i").font_px == 12


def test_hidden_elements():
    root = lxml.html.document_fromstring(
        '<html><body><div id="p" style="display:none">x</div>'
        '<div id="q" style="max-height:0;overflow:hidden">x</div>'
        '<div id="r" style="mso-hide:all">x</div><div id="s" hidden>x</div></body></html>')
    eng = StyleEngine(root)
    hidden = {i: eng.computed(root.get_element_by_id(i)).hidden for i in "pqrs"}
    # mso-hide alone hides only in Outlook: everyone else shows the text.
    assert hidden == {"p": True, "q": True, "r": False, "s": True}
