"""Build output: files, manifest, email quality rules, determinism and atomic replacement."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

from dripcraft.build import build


@pytest.fixture(scope="module")
def built(example_build: Path):
    manifest = json.loads((example_build / "manifest.json").read_text(encoding="utf-8"))
    return example_build, manifest


def _html_files(out: Path) -> list[Path]:
    return sorted(out.glob("*.html"))


def test_manifest_lists_every_email_with_its_files(built):
    out, manifest = built
    assert manifest["campaign"] == {
        "name": "Relational therapy for therapists", "slug": "relational-therapy", "lang": "en",
        "article_url": "https://kindmanandco.com/relational-therapy-for-therapists/",
        "sender": {"name": "Kaitlin at Kindman & Co.", "email": "hello@kindmanandco.com"},
        "reply_to": "trainings@kindmanandco.com"}
    emails = manifest["emails"]
    assert [e["position"] for e in emails] == list(range(1, len(emails) + 1))
    for e in emails:
        assert set(e) == {"position", "slug", "theme", "subject", "preheader", "delay_days",
                          "send_date", "words", "reading_minutes", "html", "text",
                          "source_headings"}
        assert e["html"] == f"{e['position']:02d}-{e['slug']}.html"
        assert (out / e["html"]).is_file() and (out / e["text"]).is_file()
        assert re.fullmatch(r"2027-01-\d\d", e["send_date"])
        assert e["reading_minutes"] >= 1 and e["source_headings"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [e["html"] for e in emails] + [e["text"] for e in emails] + ["manifest.json"])


def test_every_html_meets_the_email_quality_rules(built):
    out, manifest = built
    for path in _html_files(out):
        html = path.read_text(encoding="utf-8")
        doc = lxml.html.document_fromstring(html)
        styles = doc.xpath("//style")
        assert len(styles) == 1, path.name
        style = styles[0].text
        assert "@media only screen and (max-width" in style
        assert "prefers-color-scheme: dark" in style and "[data-ogsc]" in style
        assert len(style.encode()) < 16 * 1024
        assert len(html.encode()) < 40 * 1024, (path.name, len(html.encode()))
        # Inlined: the paragraphs carry their own font size and colour.
        paragraphs = doc.xpath("//td[contains(@class,'content')]//p")
        assert paragraphs and all("font-size" in (p.get("style") or "") for p in paragraphs)
        assert doc.get("lang") == "en" and doc.get("dir") == "ltr"
        wrapper = doc.xpath("//body/div[@role='article']")[0]
        assert wrapper.get("lang") == "en"
        tables = doc.xpath("//table")
        assert tables and all(t.get("role") == "presentation" for t in tables)
        preheader = doc.xpath("//div[contains(@class,'preheader')]")[0]
        assert "display:none" in preheader.get("style").replace(" ", "")
        entry = next(e for e in manifest["emails"] if e["html"] == path.name)
        assert preheader.text_content().startswith(entry["preheader"])
        assert "\u200c" in preheader.text_content()  # padded so body text does not leak in
        assert not doc.xpath("//script") and "<script" not in html.lower()
        assert not re.search(r"display:\s*(flex|grid)|var\(--|\d+rem\b|<svg", html)
        assert "\ue000" not in html and "%EE%80%80" not in html  # merge fields filled in


def test_call_to_action_is_a_bulletproof_button_in_the_last_email_only(built):
    out, manifest = built
    files = _html_files(out)
    for path in files[:-1]:
        assert "v:roundrect" not in path.read_text(encoding="utf-8")
    last = files[-1].read_text(encoding="utf-8")
    assert "<v:roundrect" in last and 'class="button btn"' in last
    doc = lxml.html.document_fromstring(last)
    button = doc.xpath("//a[contains(@class,'button')]")[0]
    assert button.text_content() == "Join the HTBART training"
    assert button.get("href").startswith("https://kindmanandco.com/relational-therapy-training/?")


def test_links_carry_utm_parameters_without_overwriting(built):
    out, _ = built
    for number, path in enumerate(_html_files(out), start=1):
        doc = lxml.html.document_fromstring(path.read_text(encoding="utf-8"))
        # Merge-field links (unsubscribe, web version) belong to the platform: no UTM there.
        tracked = [a.get("href") for a in doc.xpath("//a[@href]")
                   if "kindmanandco.com" in a.get("href") and "/unsubscribe" not in a.get("href")]
        assert tracked
        for href in tracked:
            query = parse_qs(urlsplit(href).query)
            assert query["utm_campaign"] == ["relational-therapy"]
            assert query["utm_content"] == [f"email-{number}"]
            assert query["utm_source"] == ["newsletter"] and query["utm_medium"] == ["email"]


def test_existing_utm_parameters_are_kept():
    from dripcraft.links import add_utm

    url = add_utm("https://a.example/x?utm_source=blog&id=3", {"utm_source": "newsletter",
                                                               "utm_medium": "email"})
    assert parse_qs(urlsplit(url).query) == {"utm_source": ["blog"], "id": ["3"],
                                             "utm_medium": ["email"]}
    assert add_utm("mailto:a@b.example", {"utm_source": "x"}) == "mailto:a@b.example"


def test_plain_text_is_wrapped_and_has_every_link(built):
    out, manifest = built
    for entry in manifest["emails"]:
        text = (out / entry["text"]).read_text(encoding="utf-8")
        html = (out / entry["html"]).read_text(encoding="utf-8")
        assert text.startswith(entry["subject"] + "\n")
        assert "Hi Alex," in text
        for line in text.splitlines():
            assert len(line) <= 78 or re.fullmatch(r"(\S+: )?https://\S+", line), line
        hrefs = {a.get("href") for a in lxml.html.document_fromstring(html).xpath("//a[@href]")}
        for href in hrefs:
            assert href in text, (entry["text"], href)
        assert "<" not in text.replace("<https", "") and "{" not in text
        assert "5900 York Blvd" in text and "Unsubscribe: https://" in text


def test_merge_fields_show_sample_values(built):
    out, _ = built
    html = _html_files(out)[0].read_text(encoding="utf-8")
    assert "Hi Alex," in html
    assert 'href="https://kindmanandco.com/email/unsubscribe"' in html
    assert 'href="https://example.com/view/relational-therapy"' in html
    assert "5900 York Blvd" in html


def test_building_twice_gives_identical_files(example: Path, tmp_path: Path):
    first = build(example, tmp_path / "one").out_dir
    second = build(example, tmp_path / "two").out_dir
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_a_failed_build_leaves_the_previous_dist_untouched(example: Path, invoke):
    assert invoke("build", example).exit_code == 0
    dist = example / "dist"
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    (example / "templates").mkdir()
    (example / "templates" / "_footer.html.j2").write_text("<tr>{% if %}</tr>\n")
    result = invoke("build", example)
    assert result.exit_code == 2
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == before
    assert not [p for p in example.iterdir() if p.name.startswith(".dist")]


def test_campaign_templates_override_the_default_theme_file_by_file(example: Path, tmp_path: Path):
    (example / "templates").mkdir()
    (example / "templates" / "_header.html.j2").write_text(
        "<tr><td><p class=\"brand\">OVERRIDDEN HEADER</p></td></tr>\n")
    out = build(example, tmp_path / "out").out_dir
    html = next(out.glob("01-*.html")).read_text(encoding="utf-8")
    assert "OVERRIDDEN HEADER" in html and "Unsubscribe" in html


def test_rendered_in_chromium_at_phone_width(built, page):
    out, _ = built
    page.set_viewport_size({"width": 375, "height": 800})
    for path in _html_files(out):
        page.goto(path.as_uri())
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path.name, overflow)
        smallest = page.evaluate(textwrap.dedent("""
            () => Math.min(...[...document.querySelectorAll('td.content p, td.content li')]
                .filter(e => !e.closest('.preheader') && !e.classList.contains('eyebrow')
                             && !e.classList.contains('small'))
                .map(e => parseFloat(getComputedStyle(e).fontSize)))
        """))
        assert smallest >= 16, (path.name, smallest)
        assert page.evaluate("getComputedStyle(document.querySelector('.preheader')).display") == "none"


def test_dark_mode_is_authored_in_chromium(built, browser):
    out, _ = built
    context = browser.new_context(color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(_html_files(out)[0].as_uri())
        card = page.evaluate("getComputedStyle(document.querySelector('td.card')).backgroundColor")
        text = page.evaluate("getComputedStyle(document.querySelector('td.content p:not(.eyebrow)')).color")
        assert card == "rgb(22, 27, 34)" and text == "rgb(230, 237, 243)"
    finally:
        context.close()


def test_build_writes_nothing_to_the_campaign_folder_but_dist(example: Path, invoke):
    before = sorted(p.name for p in example.iterdir())
    result = invoke("build", example)
    assert result.exit_code == 0 and "Built 5 emails into" in result.output
    assert sorted(p.name for p in example.iterdir()) == sorted(before + ["dist"])
