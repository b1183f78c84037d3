"""`dripcraft preview` live reload: saving the article, settings or templates updates open pages.

Each test edits its own copy of the example campaign (the `example` fixture) under its own
server, and watches the result in real headless Chromium.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from markupsafe import escape
from playwright.sync_api import expect

from dripcraft.build import build
from dripcraft.errors import DripcraftError
from dripcraft.plan import load_plan
from dripcraft.preview import PreviewServer
from dripcraft.templating import template_dirs

# The budget for a save to show up in an open page.
RELOAD_WITHIN_MS = 2000

FRAME_BODY = "#email-frame"


@pytest.fixture
def server(example):
    with PreviewServer(example, port=0) as server:
        yield server


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def a_word_of(campaign: Path, position: int) -> tuple[int, str]:
    """(article line, word) of a plain word in the body of email `position`, past its opening
    paragraph (which may feed the preheader), that no theme uses as a keyword."""
    plan = load_plan(campaign)
    keywords = {k.lower() for e in plan.emails for k in e.keywords}
    for block in plan.emails[position - 1].blocks[1:]:
        if block.kind != "paragraph":
            continue
        for word in re.findall(r"\b[a-z]{7,}\b", block.text):
            if word not in keywords and not any(word in k for k in keywords):
                return block.line, word
    raise AssertionError("no editable word found")


def edit_article_word(campaign: Path, line: int, word: str, replacement: str) -> None:
    article = campaign / load_plan(campaign).settings.article
    lines = article.read_text(encoding="utf-8").splitlines(keepends=True)
    assert word in lines[line - 1]
    lines[line - 1] = re.sub(rf"\b{word}\b", replacement, lines[line - 1], count=1)
    article.write_text("".join(lines), encoding="utf-8")


def test_saving_the_article_updates_the_open_email_without_a_manual_reload(server, page, example):
    line, word = a_word_of(example, 2)
    page.goto(server.url + "email/2?width=phone")
    frame_body = page.frame_locator(FRAME_BODY).locator("body")
    expect(frame_body).to_contain_text(word)
    expect(frame_body).not_to_contain_text("Quixotically")
    served_build = page.locator("body").get_attribute("data-build")

    edit_article_word(example, line, word, "Quixotically")

    expect(frame_body).to_contain_text("Quixotically", timeout=RELOAD_WITHIN_MS)
    assert page.locator("body").get_attribute("data-build") != served_build
    # Same email, same view after the reload.
    assert page.url.endswith("/email/2?width=phone")
    assert page.locator("#email-frame").bounding_box()["width"] == 375


def test_saving_campaign_yaml_updates_the_open_inbox(server, page, example):
    subject = "A brand new subject line for the first email"
    assert "subject: " + subject not in (example / "campaign.yaml").read_text(encoding="utf-8")
    page.goto(server.url)
    first_subject = page.locator(".email-row").first.locator(".wide-item .subject")
    expect(first_subject).not_to_have_text(subject)

    settings = example / "campaign.yaml"
    text = settings.read_text(encoding="utf-8")
    # Give the first email a subject override, right under its theme.
    match = re.search(r"^(\s*)- theme: .*$", text, re.M)
    assert match, "campaign.yaml lists no emails"
    indent = match.group(1) + "  "
    settings.write_text(text[:match.end()] + f"\n{indent}subject: {subject}" + text[match.end():],
                        encoding="utf-8")

    expect(first_subject).to_have_text(subject, timeout=RELOAD_WITHIN_MS)


def test_saving_a_campaign_template_updates_the_plain_text(server, page, example):
    page.goto(server.url + "email/1?view=text")
    expect(page.locator("#plain-text")).not_to_contain_text("Template edit marker")
    # A campaign overrides the theme file by file: copy the text template and change it.
    source = next(d / "email.txt.j2" for d in template_dirs(example) if (d / "email.txt.j2").is_file())
    override = example / "templates" / "email.txt.j2"
    override.parent.mkdir()
    override.write_text("Template edit marker\n" + source.read_text(encoding="utf-8"),
                        encoding="utf-8")

    expect(page.locator("#plain-text")).to_contain_text("Template edit marker",
                                                        timeout=RELOAD_WITHIN_MS)
    assert page.url.endswith("/email/1?view=text")


def test_a_failed_rebuild_keeps_the_last_good_email_and_shows_the_error(server, page, example):
    page.goto(server.url + "email/2")
    overlay = page.locator("#build-error")
    frame_body = page.frame_locator(FRAME_BODY).locator("body")
    expect(overlay).to_be_hidden()
    good_text = frame_body.inner_text()
    assert len(good_text) > 200

    settings = example / "campaign.yaml"
    good_yaml = settings.read_text(encoding="utf-8")
    lines = good_yaml.splitlines(keepends=True)
    broken_line = next(i for i, line in enumerate(lines) if line.startswith("sender:")) + 1
    lines[broken_line - 1] = "sender: [this list is never closed\n"
    settings.write_text("".join(lines), encoding="utf-8")

    expect(overlay).to_be_visible(timeout=RELOAD_WITHIN_MS)
    location = page.locator("#build-error-location").inner_text()
    assert re.fullmatch(r"campaign\.yaml:\d+", location), location
    assert abs(int(location.split(":")[1]) - broken_line) <= 2
    assert page.locator("#build-error-reason").inner_text().strip()
    expect(page.locator("#live-status")).to_have_text("Build failed")
    # The last good email is still there, visible and unchanged.
    expect(page.locator("#email-frame")).to_be_visible()
    assert frame_body.inner_text() == good_text
    box = page.locator("#email-frame").bounding_box()
    assert box["height"] > 300

    # Pages opened while the build is broken show the error too.
    other = page.context.new_page()
    other.goto(server.url)
    expect(other.locator("#build-error")).to_be_visible()
    expect(other.locator(".email-row")).to_have_count(len(server.live.good.emails))
    other.close()

    settings.write_text(good_yaml, encoding="utf-8")
    expect(overlay).to_be_hidden(timeout=RELOAD_WITHIN_MS)
    expect(page.locator("#live-status")).to_contain_text("Live")
    assert frame_body.inner_text() == good_text


def test_a_campaign_that_never_built_shows_the_error_until_it_builds(example, page):
    settings = example / "campaign.yaml"
    good_yaml = settings.read_text(encoding="utf-8")
    settings.write_text(good_yaml + "\nemails: {unclosed\n", encoding="utf-8")
    with PreviewServer(example, port=0) as server:
        assert server.live.good is None
        assert page.goto(server.url + "email/1").status == 404
        response = page.goto(server.url)
        assert response.status == 200
        expect(page.locator("#build-error")).to_be_visible()
        expect(page.locator("#build-error-location")).to_contain_text("campaign.yaml")
        expect(page.locator("h1")).to_have_text("No build yet")

        settings.write_text(good_yaml, encoding="utf-8")
        expect(page.locator(".email-row").first).to_be_visible(timeout=RELOAD_WITHIN_MS)
        expect(page.locator("#build-error")).to_be_hidden()


def test_the_preview_never_writes_into_the_campaign_and_dist_has_no_reload_script(
        server, example):
    edit_article_word(example, *a_word_of(example, 3), "Zigzagging")
    server.live.rebuild("test")
    assert "Zigzagging" in server.live.good.out_dir.joinpath(
        server.live.good.emails[2].text_name).read_text(encoding="utf-8")
    assert not (example / "dist").exists()
    assert not server.live.good.out_dir.is_relative_to(example)

    dist = build(example).out_dir
    assert dist == example / "dist"
    files = sorted(dist.iterdir())
    assert any(f.suffix == ".html" for f in files)
    for built in files:
        text = built.read_text(encoding="utf-8")
        assert "_preview" not in text and "live.js" not in text and "<script" not in text, built


# --- the command ------------------------------------------------------------------------------


def test_the_command_serves_on_loopback_and_stops_cleanly_on_ctrl_c(example, tmp_path):
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    env = {**os.environ, "TMPDIR": str(temp_root), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "dripcraft", "preview", str(example), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first_line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", first_line)
        assert match, first_line + process.stderr.read()
        port = int(match.group(1))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200
            assert "email-row" in response.read().decode("utf-8")
        assert list(temp_root.iterdir()), "the build should live in a temp folder"
        for address in ("127.0.0.2",):
            with pytest.raises(OSError):
                socket.create_connection((address, port), timeout=2).close()

        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "Stopping the preview" in stderr
    assert list(temp_root.iterdir()) == []
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_the_command_explains_a_missing_campaign(invoke, tmp_path):
    result = invoke("preview", tmp_path / "nowhere", "--port", "0")
    assert result.exit_code == 2
    assert "campaign folder not found" in result.output


def test_get_renders_one_page_without_a_server(invoke, example):
    subjects = [e.subject for e in load_plan(example).emails]
    result = invoke("preview", example, "--get", "/")
    assert result.exit_code == 0, result.output
    for subject in subjects:
        assert str(escape(subject)) in result.output
    missing = invoke("preview", example, "--get", "/../pyproject.toml")
    assert missing.exit_code == 1
    assert "Not found" in missing.output


def test_error_text_is_shown_as_text_never_as_markup(server, page, example):
    page.goto(server.url + "email/1")
    settings = example / "campaign.yaml"
    hostile = "<img src=x onerror=alert(1)>"
    settings.write_text(settings.read_text(encoding="utf-8") + f'\n"{hostile}": 1\n',
                        encoding="utf-8")
    reason = page.locator("#build-error-reason")
    expect(reason).to_contain_text(hostile, timeout=RELOAD_WITHIN_MS)
    assert page.locator("#build-error img").count() == 0
    # The same error rendered by the server into a freshly opened page.
    page.goto(server.url)
    expect(reason).to_contain_text(hostile)
    assert page.locator("#build-error img").count() == 0

    # Hidden by the marketer, it stays hidden for this error and comes back for the next.
    page.click("#build-error-close")
    expect(page.locator("#build-error")).to_be_hidden()
    expect(page.locator("#live-status")).to_have_text("Build failed")
    settings.write_text(settings.read_text(encoding="utf-8") + "\nbroken: [\n", encoding="utf-8")
    expect(page.locator("#build-error")).to_be_visible(timeout=RELOAD_WITHIN_MS)


def test_a_busy_port_is_a_clear_error_and_a_restart_reconnects_open_pages(example, page):
    with PreviewServer(example, port=0) as first:
        port = first.address[1]
        page.goto(first.url + "email/1")  # leaves connections behind in TIME_WAIT
        first_build = page.locator("body").get_attribute("data-build")
        with pytest.raises(DripcraftError, match=rf"cannot listen on 127\.0\.0\.1:{port}"):
            PreviewServer(example, port=port).listen()
    expect(page.locator("#live-status")).to_contain_text("stopped")
    with PreviewServer(example, port=port) as again:
        assert again.address == ("127.0.0.1", port)
        # The page left open reconnects and reloads into the new server's build.
        expect(page.locator("body")).not_to_have_attribute("data-build", first_build,
                                                           timeout=10_000)
        expect(page.locator("#live-status")).to_contain_text("Live")
        expect(page.locator("#message-subject")).to_have_text(again.live.good.emails[0].subject)
