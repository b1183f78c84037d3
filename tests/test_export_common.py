"""The shared exporter helpers: neutralising template syntax, filling tags, stable output."""

from __future__ import annotations

import html as htmllib
import json
import re
import zipfile

import pytest

from dripcraft import merge
from dripcraft.errors import ExportError
from dripcraft.exporters._common import (
    CURLY_TRIGGER, ZERO_WIDTH_SPACE, Dialect, char_refs, days_after_previous, json_text,
    neutralise_html, stem, write_json, write_zip, zero_width_break,
)
from dripcraft.models import PlannedEmail

MUSTACHE = Dialect("mustache", re.compile(r"[{}]*(?:\{\{|\}\})[{}]*"),
                   re.compile(r"\{\{\{[^{}]+?\}\}\}|\{\{[^{}]+?\}\}"))
STARPIPE = Dialect("starpipe", re.compile(r"[*|]*(?:\*\||\|\*)[*|]*"),
                   re.compile(r"\*\|[A-Z0-9_:]+\|\*"))

STYLE = "<style>.wrap{width:100%;max-width:600px}@media (max-width:600px){.a{p:0}}</style>"
INJECTION = "Try {{ 7*7 }}, *|UNSUB|*, {% if %} and %unsubscribe_url% and {{{raw}}} |*|*|."


def page(body: str) -> str:
    return (f"<!doctype html><html><head><title>{{{{ t }}}}</title>{STYLE}"
            "<!--[if mso]><style>td{padding:0}</style><![endif]--></head>"
            f'<body><table style="width:100%" role="presentation"><tr><td>{body}</td></tr>'
            "</table></body></html>")


def visible_text(html: str) -> str:
    """What a reader sees of the body: tags dropped, character references decoded."""
    body = html.split("<body>", 1)[1]
    return htmllib.unescape(re.sub(r"<[^>]*>", "", body))


def test_html_keeps_the_article_text_visible_but_dead_for_the_engine():
    source = page(f"<p>{htmllib.escape(INJECTION, quote=False)}</p>"
                  f'<a href="https://x.test/?q={{{{a}}}}" title="*|X|*">link</a>')
    out = MUSTACHE.html(source, {})
    assert MUSTACHE.live_tags(out) == []
    assert INJECTION in visible_text(out)
    assert 'href="https://x.test/?q=&#123;&#123;a&#125;&#125;"' in out
    assert htmllib.unescape('https://x.test/?q=&#123;&#123;a&#125;&#125;') == \
        "https://x.test/?q={{a}}"
    out = STARPIPE.html(source, {})
    assert STARPIPE.live_tags(out) == []
    assert "*|" not in out.split("<body>", 1)[1] and "|*" not in out.split("<body>", 1)[1]
    assert INJECTION in visible_text(out)


def test_css_comments_and_style_attributes_are_copied_byte_for_byte():
    source = page("<p>100% {{ x }}</p>")
    curly = Dialect("curly", CURLY_TRIGGER, re.compile(r"\{\{.*?\}\}|\{%.*?%\}"))
    out = curly.html(source, {})
    assert STYLE in out
    assert "<!--[if mso]><style>td{padding:0}</style><![endif]-->" in out
    assert '<table style="width:100%" role="presentation">' in out
    assert "<p>100% &#123;&#123; x &#125;&#125;</p>" in out


def test_only_neutral_tokens_become_tags_and_values_are_not_neutralised_again():
    source = page(f'<p>Hi {merge.OPEN}first_name{merge.CLOSE}, {{{{ not_a_tag }}}}</p>'
                  f'<a href="{merge.OPEN}unsubscribe_url{merge.CLOSE}">unsubscribe</a>')
    out = MUSTACHE.html(source, {"first_name": "{{ first_name }}",
                                 "unsubscribe_url": "{{{ pm:unsubscribe }}}"})
    assert MUSTACHE.live_tags(out) == ["{{ first_name }}", "{{{ pm:unsubscribe }}}"]
    assert merge.OPEN not in out and merge.CLOSE not in out


def test_a_field_without_a_tag_is_an_error_not_a_leak():
    with pytest.raises(ExportError, match="postal_address"):
        MUSTACHE.text(f"{merge.OPEN}postal_address{merge.CLOSE}", {})


@pytest.mark.parametrize("dialect", [MUSTACHE, STARPIPE], ids=lambda d: d.name)
@pytest.mark.parametrize("text", [INJECTION, "{{{{{x}}}}}", "|*|*|*|", "*||*", "{{}}{{", "a*|"])
def test_plain_text_reads_the_same_and_holds_no_delimiter_pair(dialect, text):
    out = dialect.text(text, {})
    assert out.replace(ZERO_WIDTH_SPACE, "") == text
    assert dialect.live_tags(out) == []
    assert not dialect.trigger.search(out)


def test_literals_from_settings_are_escaped_and_inert():
    assert STARPIPE.literal_html("A & B *|X|*") == "A &amp; B &#42;&#124;X&#124;&#42;"
    assert STARPIPE.literal_text("*|X|*") == f"*{ZERO_WIDTH_SPACE}|X|{ZERO_WIDTH_SPACE}*"


def test_helpers():
    assert char_refs("{%") == "&#123;&#37;"
    assert zero_width_break("{{") == "{\u200b{"
    assert neutralise_html('<img alt="{{x}}" src="a.png">', CURLY_TRIGGER) == \
        '<img alt="&#123;&#123;x&#125;&#125;" src="a.png">'
    emails = [PlannedEmail(position=i, slug=s, theme=s, keywords=[], subject="", preheader="",
                           delay_days=d, send_date=None, blocks=[], source_headings=[], score=0)
              for i, s, d in [(1, "intro", 0), (2, "burnout", 3), (3, "values", 7)]]
    assert days_after_previous(emails) == [0, 3, 4]
    assert stem(emails[1]) == "02-burnout"


def test_json_and_zip_output_is_deterministic(tmp_path):
    data = {"Name": "Café", "n": [1, 2]}
    assert json_text(data) == '{\n  "Name": "Café",\n  "n": [\n    1,\n    2\n  ]\n}\n'
    path = write_json(tmp_path / "a" / "x.json", data)
    assert json.loads(path.read_bytes().decode("utf-8")) == data
    first = write_zip(tmp_path / "1.zip", [("a.html", b"<p>x</p>"), ("b.png", b"\x89PNG")])
    second = write_zip(tmp_path / "2.zip", [("a.html", b"<p>x</p>"), ("b.png", b"\x89PNG")])
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert archive.namelist() == ["a.html", "b.png"]
        assert archive.getinfo("a.html").date_time == (1980, 1, 1, 0, 0, 0)
        assert archive.read("b.png") == b"\x89PNG"

