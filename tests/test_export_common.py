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


def test_markup_inside_conditional_comments_is_neutralised_too():
    """Outlook's VML button repeats the call-to-action label inside a comment."""
    source = ('<!--[if mso]><v:roundrect href="https://x.test/{{a}}" arcsize="12%">'
              "<center>Join *|UNSUB|* {{ 7*7 }}</center></v:roundrect><![endif]-->"
              "<!--[if !mso]><!--><a href=\"https://x.test/\">Join</a><!--<![endif]-->")
    out = STARPIPE.html(source, {})
    assert "<center>Join &#42;&#124;UNSUB&#124;&#42; {{ 7*7 }}</center>" in out
    out = MUSTACHE.html(source, {})
    assert out.startswith("<!--[if mso]><v:roundrect "
                          'href="https://x.test/&#123;&#123;a&#125;&#125;" arcsize="12%">')
    assert "<!--[if !mso]><!--><a href=\"https://x.test/\">Join</a><!--<![endif]-->" in out
    assert MUSTACHE.live_tags(out) == []


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



# --- shared by the platform tests (imported from here: tests/ is on sys.path) ------------

#: What the injection paragraph shows a reader, whatever the platform.
INJECTED = "{{ 7*7 }}, *|UNSUB|*, {% if %} and %unsubscribe_url%"
# The same in the article's Markdown: `*` must be escaped or Markdown makes it emphasis.
_INJECTED_MARKDOWN = r"{{ 7*7 }}, \*|UNSUB|\*, {% if %} and %unsubscribe_url%"
#: A subject line set in campaign.yaml that looks like template code too.
INJECTED_SUBJECT = "Play: {{ 7*7 }} *|UNSUB|* {% if %}"
_PLAY_HEADING = "## Making Room for Play and Celebration\n"


def configure(campaign_dir, *, inject: bool = False):
    """Give a copy of the example campaign every setting the exports use, and optionally an
    article paragraph that looks like four platforms' template syntax (in the play email)."""
    import yaml

    path = campaign_dir / "campaign.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["sender"] = {"name": "Kaitlin at Kindman & Co.", "email": "news@example.com"}
    data["reply_to"] = "replies@example.com"
    data["postal_address"] = "5900 York Blvd, Suite 200, Los Angeles, CA 90042"
    links = data.setdefault("links", {})
    links["unsubscribe"] = "https://example.com/unsubscribe"
    links["unsubscribe_mailto"] = "unsubscribe@example.com"
    data.setdefault("schedule", {})["start_date"] = "2027-01-11"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    if inject:
        play = next(e for e in data["emails"] if e["theme"] == "play")
        play["subject"] = INJECTED_SUBJECT
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
        article = campaign_dir / "article.md"
        text = article.read_text(encoding="utf-8")
        assert _PLAY_HEADING in text, "the example article lost its play section"
        paragraph = (f"Play, laughter, joy and fun, even in session: one client typed "
                     f"{_INJECTED_MARKDOWN} into a chat to make me laugh with delight.\n\n")
        article.write_text(text.replace(_PLAY_HEADING, _PLAY_HEADING + "\n" + paragraph, 1),
                           encoding="utf-8")
    return campaign_dir


def squash(text: str) -> str:
    """Text with every run of whitespace made one space (the text part is wrapped at 72)."""
    return " ".join(text.split())


def part_text(part) -> str:
    """A decoded MIME part as the renderer wrote it: LF line ends, and without the final line
    break that MIME encoding always adds (compare with `.rstrip("\n")` on the other side)."""
    return part.get_content().replace("\r\n", "\n").rstrip("\n")


def test_injection_paragraph_reaches_the_rendered_play_email(example):
    """The platform tests rely on this: the paragraph lands in the play email as plain text."""
    from dripcraft.build import render_campaign

    campaign = render_campaign(configure(example, inject=True))
    holders = [r for r in campaign.emails if INJECTED in squash(r.text)]
    assert [r.email.theme for r in holders] == ["play"]
    assert htmllib.escape(INJECTED, quote=False) in holders[0].html
    assert holders[0].email.subject == INJECTED_SUBJECT


# --- the export command ---------------------------------------------------------------------

MY_PLATFORMS = ("eml", "mailchimp", "postmark", "manifest")


def test_unknown_platform_lists_the_valid_ones_exit_2(invoke, example, tmp_path):
    result = invoke("export", example, "--to", "nope", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "unknown platform 'nope'" in result.output
    for name in (*MY_PLATFORMS, "all"):
        assert name in result.output
    assert not (tmp_path / "out").exists()  # refused before any work


def test_list_and_all(invoke, example, tmp_path):
    from dripcraft.exporters import registry

    listed = invoke("export", example, "--list")
    assert listed.exit_code == 0
    names = [line.split()[0] for line in listed.output.splitlines()]
    assert names == list(registry()) and set(MY_PLATFORMS) <= set(names)
    stale = tmp_path / "out" / "eml" / "old.eml"
    stale.parent.mkdir(parents=True)
    stale.write_text("from an earlier run")
    result = invoke("export", configure(example), "--to", "all", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(registry())
    assert not stale.exists()  # each platform folder is replaced as a whole


def test_a_failed_export_leaves_the_previous_one_in_place(invoke, example, tmp_path):
    import yaml

    campaign, out = configure(example), tmp_path / "out"
    assert invoke("export", campaign, "--to", "eml", "--out", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in (out / "eml").iterdir()}
    path = campaign / "campaign.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["sender"]["email"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = invoke("export", campaign, "--to", "eml", "--out", out)
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and len(result.output.splitlines()) == 1
    assert "sender.email" in result.output
    assert {p.name: p.read_bytes() for p in (out / "eml").iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == ["eml"]  # no staging folder left
