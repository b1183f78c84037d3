"""`dripcraft preview`: the pages, driven in real headless Chromium, and the server's safety.

One preview server on a private copy of the example campaign serves the whole module; the
tests here only read from it. Live reload (which edits files) is in test_preview_live.py.
"""

from __future__ import annotations

import fcntl
import http.client
import json
import re
import shutil
import socket
import struct
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dripcraft.preview import PreviewServer
from dripcraft.settings import load_settings

EXAMPLE = Path(__file__).resolve().parent.parent / "campaigns" / "relational-therapy"
REPO = EXAMPLE.parent.parent

FRAME_DOC = "document.querySelector('#email-frame').contentDocument"


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("preview") / "relational-therapy"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("dist", "exports"))
    return dest


@pytest.fixture(scope="module")
def server(campaign):
    with PreviewServer(campaign, port=0) as server:
        yield server


@pytest.fixture(scope="module")
def manifest(example_build) -> dict:
    """The example built independently of the preview, to compare the pages against."""
    return json.loads((example_build / "manifest.json").read_text(encoding="utf-8"))


def raw_get(server: PreviewServer, target: str, host: str | None = None) -> tuple[int, str]:
    """Send `target` exactly as written (browsers would normalise `..` away)."""
    address, port = server.address
    connection = http.client.HTTPConnection(address, port, timeout=10)
    try:
        connection.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host or f"{address}:{port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def wait_for_frame(page, query_part: str = "") -> None:
    page.wait_for_function(
        f"() => {{ const d = {FRAME_DOC}; return d && d.readyState === 'complete' "
        f"&& d.URL.includes('/frame/') && d.URL.includes({json.dumps(query_part)}) }}")


def frame_body_background(page) -> str:
    return page.evaluate(f"() => getComputedStyle({FRAME_DOC}.body).backgroundColor")


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


# --- inbox -------------------------------------------------------------------------------


def test_inbox_lists_every_email_in_send_order_with_its_subject(server, page, manifest):
    page.goto(server.url)
    rows = page.locator(".email-row")
    expected = manifest["emails"]
    expect(rows).to_have_count(len(expected))
    assert len(expected) >= 4
    for index, email in enumerate(expected):
        row = rows.nth(index)
        assert row.get_attribute("href") == f"/email/{email['position']}"
        assert row.locator(".wide-item .subject").inner_text() == email["subject"]
        assert row.locator(".phone-item .subject").get_attribute("title") == email["subject"]
        assert row.locator(".wide-item .preheader").inner_text() == email["preheader"]
        assert row.locator(".day").inner_text() == f"Day {email['delay_days']}"
        sender = manifest["campaign"]["sender"]["name"]
        assert row.locator(".phone-item .sender").inner_text() == sender
        assert f"{email['words']:,} words" in row.locator(".stats .words").inner_text()
    days = [e["delay_days"] for e in expected]
    assert days == sorted(days)


def test_inbox_cuts_subject_and_preheader_like_a_phone_and_a_webmail_row(server, page):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(server.url)
    measured = page.evaluate("""() => [...document.querySelectorAll('.email-row')].map(row => {
        const box = el => { const s = getComputedStyle(el); return {
            width: el.clientWidth, scroll: el.scrollWidth, height: el.clientHeight,
            scrollHeight: el.scrollHeight, lineHeight: parseFloat(s.lineHeight),
            overflow: s.textOverflow, wrap: s.whiteSpace }; };
        return { subject: box(row.querySelector('.phone-item .subject')),
                 preheader: box(row.querySelector('.phone-item .preheader')),
                 wide: box(row.querySelector('.wide-text')) };
    })""")
    for row in measured:
        # Phone: one line of subject, at most two of preheader, at iPhone text width.
        assert row["subject"]["width"] <= 330
        assert (row["subject"]["overflow"], row["subject"]["wrap"]) == ("ellipsis", "nowrap")
        assert row["preheader"]["height"] <= 2 * row["preheader"]["lineHeight"] + 1
        # Webmail: subject and preheader share one line.
        assert (row["wide"]["overflow"], row["wide"]["wrap"]) == ("ellipsis", "nowrap")
    # The example's preheaders are longer than two phone lines, so the cut must show.
    assert any(r["preheader"]["scrollHeight"] > r["preheader"]["height"] for r in measured)
    assert any(r["wide"]["scroll"] > r["wide"]["width"] for r in measured)


def test_clicking_an_email_in_the_inbox_opens_it(server, page, manifest, example_build):
    second = manifest["emails"][1]
    page.goto(server.url)
    page.locator(".email-row").nth(1).click()
    expect(page).to_have_url(re.compile(r"/email/2$"))
    expect(page.locator("#message-subject")).to_have_text(second["subject"])
    wait_for_frame(page)
    built = (example_build / second["html"]).read_text(encoding="utf-8")
    built_title = re.search(r"<title>(.*?)</title>", built, re.S).group(1)
    assert page.evaluate(f"() => {FRAME_DOC}.title") == built_title
    assert page.evaluate(f"() => {FRAME_DOC}.body.innerText.trim().length") > 200


# --- email view ----------------------------------------------------------------------------


def test_phone_width_is_375_px_and_no_email_overflows_it(server, page, manifest):
    page.goto(server.url + "email/1")
    page.click("#width-phone")
    expect(page).to_have_url(re.compile(r"width=phone"))
    for email in manifest["emails"]:
        if email["position"] != 1:
            page.click("#next-email")
            expect(page).to_have_url(re.compile(rf"/email/{email['position']}\?width=phone$"))
        wait_for_frame(page)
        assert page.locator("#email-frame").bounding_box()["width"] == 375
        page.wait_for_function(f"() => {FRAME_DOC}.documentElement.clientWidth === 375")
        widths = page.evaluate(f"""() => {{ const d = {FRAME_DOC}.documentElement;
            return [d.scrollWidth, d.clientWidth, {FRAME_DOC}.body.scrollWidth]; }}""")
        assert widths[0] <= widths[1] and widths[2] <= widths[1], (email["position"], widths)


def test_desktop_and_full_widths(server, page):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(server.url + "email/2")
    assert page.locator("#email-frame").bounding_box()["width"] == 800
    page.keyboard.press("3")
    expect(page).to_have_url(re.compile(r"width=full"))
    assert page.locator("#email-frame").bounding_box()["width"] > 1000


def test_authored_dark_applies_the_emails_own_dark_palette(server, page, campaign):
    brand = load_settings(campaign).brand
    page.goto(server.url + "email/2")
    wait_for_frame(page, "scheme=light")
    light = frame_body_background(page)
    page.click("#scheme-dark")
    wait_for_frame(page, "scheme=dark")
    dark = frame_body_background(page)
    assert light == rgb(brand.background)
    assert dark == rgb(brand.dark_background) != light
    # The authored palette, not a colour inversion of the light one.
    assert page.evaluate("() => getComputedStyle(document.querySelector('#email-frame')).filter") \
        == "none"
    assert page.evaluate(f"() => getComputedStyle({FRAME_DOC}.documentElement).filter") == "none"
    # The choice survives navigation: the next email opens dark too.
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"/email/3\?scheme=dark$"))
    wait_for_frame(page, "scheme=dark")
    assert frame_body_background(page) == rgb(brand.dark_background)


def test_plain_text_tab_shows_the_txt_part(server, page, manifest, example_build):
    email = manifest["emails"][2]
    page.goto(server.url + f"email/{email['position']}")
    expect(page.locator("#plain-text")).to_be_hidden()
    page.click("#tab-text")
    expect(page.locator("#plain-text")).to_be_visible()
    expect(page.locator("#email-frame")).to_be_hidden()
    expected = (example_build / email["text"]).read_text(encoding="utf-8")
    assert page.locator("#plain-text").text_content() == expected


def test_html_source_tab_shows_the_built_html(server, page, manifest, example_build):
    email = manifest["emails"][0]
    page.goto(server.url + "email/1?view=source")
    expect(page.locator("#html-source")).to_be_visible()
    expected = (example_build / email["html"]).read_text(encoding="utf-8")
    assert page.locator("#html-source").text_content().splitlines() == expected.splitlines()


def press(page, key: str, url_pattern: str) -> None:
    """Press `key` and wait for the page it leads to to be ready for the next key."""
    page.keyboard.press(key)
    expect(page).to_have_url(re.compile(url_pattern))
    page.wait_for_load_state("load")


def test_previous_next_and_keyboard_shortcuts(server, page, manifest):
    last = len(manifest["emails"])
    page.goto(server.url + "email/1?width=phone")
    expect(page.locator("#prev-email")).to_have_count(0)
    press(page, "j", r"/email/2\?width=phone$")
    # Keys still work after clicking into the email itself.
    page.frame_locator("#email-frame").locator("body").click(position={"x": 5, "y": 5})
    press(page, "ArrowRight", r"/email/3\?width=phone$")
    press(page, "k", r"/email/2\?width=phone$")
    page.keyboard.press("t")
    expect(page.locator("#plain-text")).to_be_visible()
    page.keyboard.press("v")
    expect(page.locator("#email-frame")).to_be_visible()
    page.keyboard.press("d")
    expect(page).to_have_url(re.compile(r"scheme=dark"))
    press(page, "i", re.escape(server.url) + "$")
    page.goto(server.url + f"email/{last}")
    expect(page.locator("#next-email")).to_have_count(0)
    page.click("#prev-email")
    expect(page).to_have_url(re.compile(rf"/email/{last - 1}$"))


def test_pages_load_nothing_from_outside_the_preview(server, page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server.url)
    page.goto(server.url + "email/2")
    page.click("#scheme-dark")
    wait_for_frame(page, "scheme=dark")
    outside = [u for u in requested if not u.startswith((server.url, "data:"))]
    assert outside == []
    assert any(u.endswith("/preview.css") for u in requested)


def test_unknown_path_is_a_404_page(server, page):
    response = page.goto(server.url + "no/such/page")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    page.click("text=Back to the inbox")
    expect(page.locator(".email-row").first).to_be_visible()
    assert page.goto(server.url + "email/99").status == 404


# --- safety ------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [
    "/../pyproject.toml",
    "/../../pyproject.toml",
    "/%2e%2e/pyproject.toml",
    "/%2E%2E/%2e%2e/pyproject.toml",
    "/files/../../pyproject.toml",
    "/files/%2e%2e/%2e%2e/pyproject.toml",
    "/files/..%2f..%2fpyproject.toml",
    "/files/%2fetc%2fpasswd",
    "/files//etc/passwd",
    "//etc/passwd",
    "/etc/passwd",
    str(REPO / "pyproject.toml"),
    "/files" + str(REPO / "pyproject.toml"),
    "/_preview/static/../../server.py",
    "/_preview/static/%2e%2e/server.py",
    "/_preview/static/",
    "/files/",
    "/files",
    "/templates/",
    "/src/",
    "/campaign.yaml",
    "/article.md",
])
def test_paths_outside_the_preview_are_404(server, target):
    status, body = raw_get(server, target)
    assert status == 404
    assert "Not found" in body
    assert "[build-system]" not in body and "root:" not in body


def test_built_files_are_served_exactly(server, manifest, example_build):
    email = manifest["emails"][0]
    status, body = raw_get(server, f"/files/{email['text']}")
    assert status == 200
    assert body == (example_build / email["text"]).read_text(encoding="utf-8")


def test_other_host_names_are_refused(server):
    # DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not read the drafts.
    status, body = raw_get(server, "/", host="evil.example")
    assert status == 421
    assert "Relational" not in body
    assert raw_get(server, "/", host=f"localhost:{server.address[1]}")[0] == 200


def _non_loopback_ipv4() -> list[str]:
    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            try:
                packed = fcntl.ioctl(probe.fileno(), 0x8915,  # SIOCGIFADDR
                                     struct.pack("256s", name[:15].encode()))
            except OSError:
                continue
            address = socket.inet_ntoa(packed[20:24])
            if not address.startswith("127."):
                found.append(address)
    return found


def assert_refused(address: str, port: int) -> None:
    with pytest.raises(OSError):
        socket.create_connection((address, port), timeout=2).close()


def test_listens_on_loopback_only(server):
    address, port = server.address
    assert address == "127.0.0.1"
    socket.create_connection((address, port), timeout=2).close()
    # Bound to 127.0.0.1 itself, not to every address: another loopback address is refused,
    # and so is every address of this machine's network interfaces.
    assert_refused("127.0.0.2", port)
    for interface_address in _non_loopback_ipv4():
        assert_refused(interface_address, port)


def test_reload_script_is_only_in_preview_pages(server, manifest, example_build):
    email = manifest["emails"][1]
    for page_path in ("/", "/email/2", "/no/such/page"):
        assert "/_preview/static/live.js" in raw_get(server, page_path)[1]
    for built_path in (f"/frame/{email['position']}?scheme=dark", f"/files/{email['html']}"):
        body = raw_get(server, built_path)[1]
        assert "<html" in body.lower()
        assert "_preview" not in body and "<script" not in body.lower()
    # On disk: the preview's own build and an ordinary build are free of it.
    for folder in (server.live.good.out_dir, example_build):
        for built in folder.iterdir():
            text = built.read_text(encoding="utf-8")
            assert "_preview" not in text and "live.js" not in text, built


# --- check results -----------------------------------------------------------------------


def test_inbox_and_checks_tab_show_each_emails_check_results(server, page, manifest,
                                                             example_build):
    from dripcraft.check import run_checks

    report = run_checks(example_build, load_settings(example_build.parent))
    page.goto(server.url)
    problems_by_position = {}
    for index, email in enumerate(manifest["emails"]):
        own = report.for_email(email["position"])
        errors = sum(f.severity == "error" for f in own)
        warnings = sum(f.severity == "warning" for f in own)
        problems_by_position[email["position"]] = [f for f in own
                                                   if f.severity in ("error", "warning")]
        status = page.locator(".email-row").nth(index).locator(".check-status").inner_text()
        if errors:
            assert f"{errors} error" in status
        if warnings:
            assert f"{warnings} warning" in status
        if not errors and not warnings:
            assert status.strip() == "Checks passed"
        else:
            assert "passed" not in status

    position, problems = max(problems_by_position.items(), key=lambda item: len(item[1]))
    page.goto(server.url + f"email/{position}")
    page.keyboard.press("c")
    expect(page.locator("#panel-checks")).to_be_visible()
    expect(page).to_have_url(re.compile(r"view=checks"))
    shown = page.locator("#check-problems .finding-meta code").all_inner_texts()
    assert sorted(shown) == sorted(f.rule for f in problems)

    with_line = page.locator("#check-problems .finding-meta a")
    if with_line.count():
        line_link = with_line.first
        target = line_link.get_attribute("href").rsplit("#", 1)[1]
        line_link.click()
        marked = page.locator(".text-line:target, .src-line:target")
        expect(marked).to_have_count(1)
        assert marked.get_attribute("id") == target
        expect(marked).to_be_visible()
