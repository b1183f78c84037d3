"""The Mailchimp export: HTML and ZIP imports with *|MERGE|* tags, API bodies, checklist."""

from __future__ import annotations

import html as htmllib
import json
import re
import zipfile

import pytest

from dripcraft import merge
from dripcraft.exporters._common import ZERO_WIDTH_SPACE
from dripcraft.exporters.mailchimp import MAILCHIMP, local_images
from test_export_common import INJECTED, INJECTED_SUBJECT, configure, squash

EXPECTED_TAGS = {"*|IF:FNAME|*", "*|FNAME|*", "*|ELSE:|*", "*|END:IF|*", "*|UNSUB|*",
                 "*|ARCHIVE|*", "*|LIST:ADDRESSLINE|*", "*|MC_PREVIEW_TEXT|*"}
# Other platforms' syntax (esp-formats.md §12): Handlebars/Liquid/Django/Go, Mailgun.
OTHER_PLATFORM_TAGS = re.compile(r"\{\{|\{%|%recipient\.|%unsubscribe_url%|pm:unsubscribe")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def export(invoke, campaign, out):
    result = invoke("export", campaign, "--to", "mailchimp", "--out", out)
    assert result.exit_code == 0, result.output
    return out / "mailchimp"


@pytest.fixture
def campaign(example):
    return configure(example)


def visible(html: str) -> str:
    """The body text a reader sees: markup dropped, character references decoded."""
    body = html.split("<body", 1)[1]
    return squash(htmllib.unescape(re.sub(r"<[^>]*>", " ", body)))


def test_each_email_imports_as_html_zip_and_api_body(invoke, campaign, tmp_path):
    from dripcraft.build import render_campaign

    rendered = render_campaign(campaign).emails
    folder = export(invoke, campaign, tmp_path / "out")
    for r in rendered:
        stem = r.email.html_name[:-5]
        html = (folder / f"{stem}.html").read_text(encoding="utf-8")
        text = (folder / f"{stem}.txt").read_text(encoding="utf-8")
        with zipfile.ZipFile(folder / f"{stem}.zip") as archive:
            assert archive.testzip() is None
            names = archive.namelist()
            # One HTML file, images beside it in the same folder (no sub-folders).
            assert names[0] == f"{stem}.html" and all("/" not in n for n in names)
            assert archive.read(names[0]).decode("utf-8") == html  # no local images here
        assert (folder / f"{stem}.zip").stat().st_size < 1024 * 1024
        body = json.loads((folder / "api" / f"{stem}.json").read_text(encoding="utf-8"))
        assert set(body) == {"name", "html"}
        assert isinstance(body["name"], str) and 0 < len(body["name"].encode()) <= 50
        assert body["html"] == html

        for source in (html, text):
            assert merge.OPEN not in source and "%EE%80%80" not in source.upper()
            assert not OTHER_PLATFORM_TAGS.search(source)
            tags = MAILCHIMP.live_tags(source)
            assert set(tags) <= EXPECTED_TAGS
            # Every `*|` belongs to a well-formed tag: nothing half-open is left behind.
            rest = MAILCHIMP.tag.sub("", source)
            assert "*|" not in rest and "|*" not in rest
        assert "*|UNSUB|*" in MAILCHIMP.live_tags(text)
        outside_comments = HTML_COMMENT.sub("", html)
        assert 'href="*|UNSUB|*"' in outside_comments
        assert "*|LIST:ADDRESSLINE|*" in outside_comments
        assert "*|MC_PREVIEW_TEXT|*" in outside_comments
        assert "*|IF:FNAME|**|FNAME|**|ELSE:|*there*|END:IF|*" in html
        # The CSS and the rest of the document are the rendered ones, untouched.
        assert html.count("<style") == r.html.count("<style")
        for style in re.findall(r"<style.*?</style>", r.html, re.DOTALL):
            assert style in html


def test_readme_is_a_journey_checklist_with_delays_and_unverified_notes(invoke, campaign,
                                                                        tmp_path):
    from dripcraft.build import render_campaign

    emails = [r.email for r in render_campaign(campaign).emails]
    readme = (export(invoke, campaign, tmp_path / "out") / "README.md").read_text("utf-8")
    for previous, email in zip(emails, emails[1:]):
        gap = email.delay_days - previous.delay_days
        assert f"wait {gap} day" in readme
        assert email.subject in readme and email.preheader in readme
    assert "Time delay" in readme and "Customer Journey" in readme
    assert "## Not verified" in readme and "*|ARCHIVE|*" in readme.split("## Not verified")[1]


def test_injection_paragraph_is_literal_text_not_a_tag(invoke, example, tmp_path):
    campaign = configure(example, inject=True)
    folder = export(invoke, campaign, tmp_path / "out")
    play_html = [p for p in folder.glob("*.html") if "play" in p.name]
    assert len(play_html) == 1
    html = play_html[0].read_text(encoding="utf-8")
    text = play_html[0].with_suffix(".txt").read_text(encoding="utf-8")
    assert INJECTED in visible(html)
    assert INJECTED in squash(text.replace(ZERO_WIDTH_SPACE, ""))
    # Only the tags dripcraft put there, once each, as in the clean export.
    clean = export(invoke, configure(campaign), tmp_path / "clean")
    for mine, theirs in [(html, (clean / play_html[0].name).read_text(encoding="utf-8")),
                         (text, (clean / play_html[0].with_suffix(".txt").name)
                          .read_text(encoding="utf-8"))]:
        assert MAILCHIMP.live_tags(mine) == MAILCHIMP.live_tags(theirs)
    assert MAILCHIMP.live_tags(html).count("*|UNSUB|*") == 1
    # The subject from campaign.yaml is shown to be pasted, also inert.
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert MAILCHIMP.neutralise_text(INJECTED_SUBJECT) in readme
    assert "*|UNSUB|*" not in MAILCHIMP.neutralise_text(INJECTED_SUBJECT)


def test_zip_carries_local_images_by_bare_name(tmp_path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "logo.png").write_bytes(b"\x89PNG logo")
    html = ('<img src="img/logo.png" alt="a"><img src="https://cdn.example.com/x.png" alt="b">'
            '<img alt="c" src="img/logo.png">')
    rewritten, members = local_images(html, tmp_path)
    assert rewritten == ('<img src="logo.png" alt="a"><img src="https://cdn.example.com/x.png"'
                         ' alt="b"><img alt="c" src="logo.png">')
    assert members == [("logo.png", b"\x89PNG logo")]


def test_same_input_same_bytes(invoke, campaign, tmp_path):
    first, second = export(invoke, campaign, tmp_path / "a"), export(invoke, campaign,
                                                                     tmp_path / "b")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_a_template_without_unsubscribe_link_is_refused(invoke, campaign, tmp_path):
    from dripcraft.templating import template_dirs

    footer = next(d / "_footer.html.j2" for d in template_dirs(campaign)
                  if (d / "_footer.html.j2").is_file())
    override = campaign / "templates" / "_footer.html.j2"
    override.parent.mkdir()
    override.write_text(footer.read_text(encoding="utf-8")
                        .replace('merge("unsubscribe_url")', '"https://example.com/own"'),
                        encoding="utf-8")
    result = invoke("export", campaign, "--to", "mailchimp", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "has no unsubscribe link" in result.output
    assert len(result.output.splitlines()) == 1
