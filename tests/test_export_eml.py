"""The `.eml` export: real RFC 5322 messages, parsed back with the stdlib as a client would."""

from __future__ import annotations

import html as htmllib
import re
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime

import pytest

from dripcraft import merge
from test_export_common import INJECTED, INJECTED_SUBJECT, configure, part_text, squash

OTHER_PLATFORM_TAGS = re.compile(r"\*\||\{\{|\{%|%recipient\.|%unsubscribe_url%")


def export(invoke, campaign, out):
    result = invoke("export", campaign, "--to", "eml", "--out", out)
    assert result.exit_code == 0, result.output
    return sorted((out / "eml").glob("*.eml"))


@pytest.fixture
def campaign(example):
    return configure(example)


def parse(path):
    return message_from_bytes(path.read_bytes(), policy=policy.default)


def test_every_email_is_a_well_formed_multipart_alternative(invoke, campaign, tmp_path):
    from dripcraft.build import render_campaign

    rendered = render_campaign(campaign).emails
    files = export(invoke, campaign, tmp_path / "out")
    assert [f.name for f in files] == [f"{r.email.html_name[:-5]}.eml" for r in rendered]
    for path, r in zip(files, rendered):
        raw = path.read_bytes()
        assert raw.count(b"\n") == raw.count(b"\r\n"), "line ends must be CRLF"
        assert max(len(line) for line in raw.split(b"\r\n")) <= 78
        assert raw.decode("ascii")  # 7-bit clean: RFC 2047 headers, quoted-printable bodies
        msg = parse(path)
        assert msg.defects == []
        assert msg["MIME-Version"] == "1.0"
        assert msg["Subject"] == r.email.subject
        assert msg["From"].addresses[0].display_name == "Kaitlin at Kindman & Co."
        assert msg["From"].addresses[0].addr_spec == "news@example.com"
        assert msg["Reply-To"] == "replies@example.com"
        sent = parsedate_to_datetime(msg["Date"])
        assert sent.date() == date(2027, 1, 11) + timedelta(r.email.delay_days)
        assert msg["Message-ID"] == (f"<relational-therapy.{r.email.position:02d}."
                                     f"{r.email.slug}@example.com>")
        # Folded onto a continuation line when long; unfolded it keeps the leading space.
        assert msg["List-Unsubscribe"].strip() == ("<https://example.com/unsubscribe>, "
                                           "<mailto:unsubscribe@example.com>")
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        header_names = [k.lower() for k in msg.keys()]
        assert header_names.index("list-unsubscribe") < header_names.index("list-unsubscribe-post")

        assert msg.get_content_type() == "multipart/alternative"
        parts = list(msg.iter_parts())
        assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
        for part in parts:
            assert part.defects == []
            assert part.get_content_charset() == "utf-8"
            assert "MIME-Version" not in part
            content = part.get_content()
            assert merge.OPEN not in content and merge.CLOSE not in content
            assert "%EE%80%80" not in content.upper()  # a token mangled by URL-escaping
            assert not OTHER_PLATFORM_TAGS.search(content)


def test_decoded_parts_equal_the_build_apart_from_merge_fields(invoke, campaign, tmp_path):
    from dripcraft.build import build, render_campaign

    rendered = render_campaign(campaign).emails
    dist = build(campaign, tmp_path / "dist").out_dir
    files = export(invoke, campaign, tmp_path / "out")
    for path, r in zip(files, rendered):
        html_part, = [p for p in parse(path).iter_parts() if p.get_content_type() == "text/html"]
        text_part, = [p for p in parse(path).iter_parts() if p.get_content_type() == "text/plain"]
        # Merge fields are the only places a sent message may differ from the built file.
        for built, sent, source in [
            ((dist / r.email.html_name).read_text(encoding="utf-8"), part_text(html_part),
             r.html),
            ((dist / r.email.text_name).read_text(encoding="utf-8"), part_text(text_part),
             r.text),
        ]:
            built, source = built.rstrip("\n"), source.rstrip("\n")
            pieces = merge.TOKEN.split(source)[::2]
            pattern = re.compile("(.*?)".join(re.escape(p) for p in pieces), re.DOTALL)
            assert pattern.fullmatch(built), "the build differs outside merge fields"
            filled = pattern.fullmatch(sent)
            assert filled, "the .eml differs from the build outside merge fields"
            names = merge.TOKEN.findall(source)
            values = dict(zip(names, filled.groups()))
            assert values[merge.FIRST_NAME] == "there"  # the fallback, not the sample name
        html = part_text(html_part)
        assert 'href="https://example.com/unsubscribe"' in html
        assert "Hi there," in html
        assert "5900 York Blvd" in html


def test_injection_paragraph_is_plain_text_in_the_message(invoke, example, tmp_path):
    campaign = configure(example, inject=True)
    files = export(invoke, campaign, tmp_path / "out")
    play = [parse(f) for f in files if parse(f)["Subject"] == INJECTED_SUBJECT]
    assert len(play) == 1
    plain, html = play[0].iter_parts()
    assert INJECTED in squash(plain.get_content())
    assert htmllib.escape(INJECTED, quote=False) in html.get_content()


def test_the_same_campaign_gives_the_same_bytes(invoke, campaign, tmp_path):
    first = export(invoke, campaign, tmp_path / "a")
    second = export(invoke, campaign, tmp_path / "b")
    assert [f.read_bytes() for f in first] == [f.read_bytes() for f in second]


def test_without_an_https_unsubscribe_url_there_is_no_one_click_header(invoke, campaign,
                                                                          tmp_path):
    import yaml

    path = campaign / "campaign.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["links"]["unsubscribe"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    msg = parse(export(invoke, campaign, tmp_path / "out")[0])
    assert msg["List-Unsubscribe"].strip() == "<mailto:unsubscribe@example.com>"
    assert msg["List-Unsubscribe-Post"] is None  # RFC 8058 needs an https URI
