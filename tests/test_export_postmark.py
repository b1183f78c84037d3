"""The Postmark export: the folder `postmark templates push` reads, with Mustachio tags."""

from __future__ import annotations

import html as htmllib
import json
import re

import pytest
from markupsafe import escape

from dripcraft import merge
from dripcraft.exporters._common import ZERO_WIDTH_SPACE
from dripcraft.exporters.postmark import POSTMARK
from test_export_common import INJECTED, INJECTED_SUBJECT, configure, squash

ALIAS = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")
OUR_TAGS = {"{{#first_name}}", "{{ first_name }}", "{{/first_name}}", "{{^first_name}}",
            "{{{ pm:unsubscribe }}}", "{{ web_version_url }}"}
OTHER_PLATFORM_TAGS = re.compile(r"\*\||\{%|%recipient\.|%unsubscribe_url%|\{\{\s*\.")
META_KEYS = {"Name": str, "Alias": str, "TemplateType": str, "Subject": str,
             "TestRenderModel": dict}


def export(invoke, campaign, out):
    result = invoke("export", campaign, "--to", "postmark", "--out", out)
    assert result.exit_code == 0, result.output
    return out / "postmark"


@pytest.fixture
def campaign(example):
    return configure(example)


def templates(folder):
    """What postmark-cli's push collects: every meta.json, with the bodies beside it."""
    found = []
    for meta_path in sorted(folder.rglob("meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        found.append((meta_path.parent, meta,
                      (meta_path.parent / "content.html").read_text(encoding="utf-8"),
                      (meta_path.parent / "content.txt").read_text(encoding="utf-8")))
    return found


def sections_balance(source: str) -> bool:
    stack = []
    for tag in POSTMARK.live_tags(source):
        inner = tag.strip("{}").strip()
        if inner[:1] in "#^":
            stack.append(inner[1:].strip())
        elif inner[:1] == "/":
            if not stack or stack.pop() != inner[1:].strip():
                return False
    return not stack


def test_folders_are_what_postmark_cli_pushes(invoke, campaign, tmp_path):
    from dripcraft.build import render_campaign

    rendered = render_campaign(campaign).emails
    found = templates(export(invoke, campaign, tmp_path / "out"))
    assert len(found) == len(rendered) <= 100
    aliases = [meta["Alias"] for _, meta, _, _ in found]
    assert len(set(aliases)) == len(aliases)
    for (folder, meta, html, text), r in zip(found, rendered):
        assert set(meta) == set(META_KEYS)
        assert all(isinstance(meta[k], t) for k, t in META_KEYS.items())
        assert ALIAS.match(meta["Alias"]) and folder.name == meta["Alias"]
        assert meta["TemplateType"] == "Standard"
        assert meta["Subject"] == r.email.subject and meta["Name"]
        assert meta["TestRenderModel"]["first_name"] == "Alex"
        for body in (html, text):
            assert len(body.encode("utf-8")) <= 5 * 1024 * 1024
            assert merge.OPEN not in body and "%EE%80%80" not in body.upper()
            assert not OTHER_PLATFORM_TAGS.search(body)
            assert set(POSTMARK.live_tags(body)) <= OUR_TAGS
            assert "{{{ pm:unsubscribe }}}" in POSTMARK.live_tags(body)
            assert sections_balance(body)
            assert "5900 York Blvd" in body  # no address tag: the configured one, as text
            assert "{{#first_name}}{{ first_name }}{{/first_name}}" \
                   "{{^first_name}}there{{/first_name}}" in body
        assert 'href="{{{ pm:unsubscribe }}}"' in html
        assert str(escape(r.email.preheader)) in html  # no preheader tag: written as text
        for style in re.findall(r"<style.*?</style>", r.html, re.DOTALL):
            assert style in html
    readme = (tmp_path / "out" / "postmark" / "README.md").read_text(encoding="utf-8")
    assert "postmark templates push" in readme and "## Not verified" in readme
    for alias in aliases:
        assert alias in readme


def test_injection_is_literal_in_bodies_and_subject(invoke, example, tmp_path):
    campaign = configure(example, inject=True)
    found = templates(export(invoke, campaign, tmp_path / "out"))
    play = [t for t in found if t[1]["Alias"].endswith("-play")]
    assert len(play) == 1
    _, meta, html, text = play[0]
    body = html.split("<body", 1)[1]
    assert INJECTED in squash(htmllib.unescape(re.sub(r"<[^>]*>", " ", body)))
    assert INJECTED in squash(text.replace(ZERO_WIDTH_SPACE, ""))
    for source in (html, text, meta["Subject"]):
        assert set(POSTMARK.live_tags(source)) <= OUR_TAGS
    assert POSTMARK.live_tags(html).count("{{{ pm:unsubscribe }}}") == 1
    # Postmark runs the Subject through Mustachio too: shown the same, but inert.
    assert meta["Subject"].replace(ZERO_WIDTH_SPACE, "") == INJECTED_SUBJECT
    assert POSTMARK.live_tags(meta["Subject"]) == []


def test_same_input_same_bytes(invoke, campaign, tmp_path):
    first, second = export(invoke, campaign, tmp_path / "a"), export(invoke, campaign,
                                                                     tmp_path / "b")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(second) for p in second.rglob("*")
                                     if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
