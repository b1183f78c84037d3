"""The API-upload exports: Kit, SendGrid, Amazon SES, Mailgun, Brevo, Klaviyo, listmonk.

Every export is produced by the real pipeline (article → plan → render → exporter). Each
platform has a reader below that opens its files the way the platform's API would (JSON),
checks every field, type and limit against shared/reference/esp-formats.md, and hands back
what the platform's template engine will see; the tests run the same checks over all seven.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dripcraft import merge
from dripcraft.build import render_campaign
from dripcraft.exporters import registry
from dripcraft.exporters._common import ZERO_WIDTH_SPACE
from dripcraft.models import RenderedCampaign

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "campaigns" / "relational-therapy"
ARTICLE = Path(__file__).resolve().parent / "articles" / "nonprofit-appeal.md"

PLATFORMS = ("kit", "sendgrid", "ses", "mailgun", "brevo", "klaviyo", "listmonk")

#: Article text that is live syntax somewhere: Liquid/Handlebars/Django/Go, Mailchimp, Mailgun.
INJECTION = ("{{ 7*7 }}", "*|UNSUB|*", "{% if %}", "%unsubscribe_url%")
#: Each platform's own unsubscribe tag, typed into the article: it must stay text too.
FORGED_TAGS = ("{{ unsubscribe_url }}", "{{{unsubscribe}}}", "{{amazonSESUnsubscribeUrl}}",
               "{{ unsubscribe }}", "{% unsubscribe_link %}", "{{ UnsubscribeURL }}",
               "https://x.example/a@TrackLink")


# --- what a platform sees ----------------------------------------------------------------------


@dataclass
class PlatformEmail:
    """One email as the platform's engine reads it."""

    html: str
    text: str | None  # None: the platform takes no plain-text part
    fields: list[str]  # metadata the platform also templates (subject, preview text, ...)


@dataclass
class Platform:
    """What the tests know about one platform, written from esp-formats.md, not from src/."""

    read: Callable[[Path, RenderedCampaign], list[PlatformEmail]]
    unsubscribe: str
    #: Strings only this platform's tags contain; another platform's export must have none.
    markers: tuple[str, ...]
    #: Every tag dripcraft may leave live; anything else that opens a tag is a leak.
    allowed: re.Pattern[str]
    #: Openers of a live tag in this engine besides the curly ones.
    extra_live: re.Pattern[str] | None = None


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def email_files(folder: Path, campaign: RenderedCampaign) -> list[Path]:
    """The per-email files, one per email, named NN-slug.json like the built HTML."""
    paths = sorted(folder.glob("*.json"))
    assert [p.stem for p in paths] == [
        f"{r.email.position:02d}-{r.email.slug}" for r in campaign.emails]
    return paths


def check_keys(body: dict, required: set[str], allowed: set[str]) -> None:
    assert required <= body.keys(), f"missing {required - body.keys()}"
    assert body.keys() <= allowed, f"unknown {body.keys() - allowed}"


def nonempty_str(value: Any, limit: int | None = None) -> str:
    assert isinstance(value, str) and value.strip()
    if limit is not None:
        assert len(value) <= limit
    return value


def read_kit(out: Path, campaign: RenderedCampaign) -> list[PlatformEmail]:
    emails = []
    for index, path in enumerate(email_files(out, campaign)):
        body = load(path)
        check_keys(body, {"subject", "delay_value", "delay_unit"},
                   {"subject", "delay_value", "delay_unit", "content", "preview_text",
                    "email_template_id", "published", "send_days", "position"})
        nonempty_str(body["subject"])
        assert type(body["delay_value"]) is int and body["delay_value"] >= 0
        assert body["delay_unit"] in ("days", "hours")
        assert body["delay_value"] > 0 or index == 0, "only the first may be immediate"
        assert body["published"] is False and body["position"] == index
        assert "send_days" not in body  # null/absent = the sequence's own send days
        emails.append(PlatformEmail(nonempty_str(body["content"]), None,
                                    [body["subject"], body["preview_text"]]))
    gaps = [load(p)["delay_value"] for p in email_files(out, campaign)]
    days = [r.email.delay_days for r in campaign.emails]
    assert [sum(gaps[:i + 1]) for i in range(len(gaps))] == days
    return emails


def read_sendgrid(out: Path, campaign: RenderedCampaign) -> list[PlatformEmail]:
    emails = []
    templates = email_files(out / "templates", campaign)
    versions = email_files(out / "versions", campaign)
    assert len(templates) + len(versions) <= 300
    for template_path, version_path in zip(templates, versions, strict=True):
        template, version = load(template_path), load(version_path)
        assert template.keys() == {"name", "generation"}
        nonempty_str(template["name"], 100)
        assert template["generation"] == "dynamic"
        check_keys(version, {"name", "subject"},
                   {"name", "subject", "html_content", "plain_content", "generate_plain_content",
                    "active", "editor", "test_data", "template_id"})
        nonempty_str(version["name"], 100)
        nonempty_str(version["subject"], 255)
        for part in ("html_content", "plain_content"):
            assert len(nonempty_str(version[part]).encode()) <= 1_048_576
        assert version["generate_plain_content"] is False  # keep dripcraft's text
        assert version["active"] in (0, 1) and type(version["active"]) is int
        assert version["editor"] in ("code", "design")
        assert isinstance(json.loads(version["test_data"]), dict)
        emails.append(PlatformEmail(version["html_content"], version["plain_content"],
                                    [version["subject"]]))
    return emails


def read_ses(out: Path, campaign: RenderedCampaign) -> list[PlatformEmail]:
    emails = []
    for path in email_files(out, campaign):
        body = load(path)
        check_keys(body, {"TemplateName", "TemplateContent"},
                   {"TemplateName", "TemplateContent", "Tags"})
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", body["TemplateName"])
        content = body["TemplateContent"]
        assert content.keys() == {"Subject", "Text", "Html"}
        assert all(isinstance(v, str) and v for v in content.values())
        assert sum(len(v.encode()) for v in content.values()) <= 500_000
        emails.append(PlatformEmail(content["Html"], content["Text"], [content["Subject"]]))
    names = [load(p)["TemplateName"] for p in email_files(out, campaign)]
    assert len(set(names)) == len(names)
    return emails


def read_mailgun(out: Path, campaign: RenderedCampaign) -> list[PlatformEmail]:
    emails = []
    paths = email_files(out, campaign)
    assert len(paths) <= 100
    for path in paths:
        form = load(path)
        check_keys(form, {"name"}, {"name", "description", "template", "tag", "comment",
                                    "headers", "engine", "createdBy"})
        assert all(isinstance(v, str) for v in form.values())  # multipart fields are text
        assert form["name"] == form["name"].lower() and form["name"]
        assert form["engine"] == "handlebars"
        headers = json.loads(form["headers"])
        assert headers.keys() <= {"From", "Subject", "Reply-To"} and headers["Subject"]
        emails.append(PlatformEmail(nonempty_str(form["template"]), None, [headers["Subject"]]))
    return emails


def read_brevo(out: Path, campaign: RenderedCampaign) -> list[PlatformEmail]:
    emails = []
    for path in email_files(out, campaign):
        body = load(path)
        check_keys(body, {"templateName", "subject", "sender", "htmlContent"},
                   {"templateName", "subject", "sender", "htmlContent", "htmlUrl", "replyTo",
                    "toField", "tag", "attachmentUrl", "isActive"})
        nonempty_str(body["templateName"])
        nonempty_str(body["subject"])
        sender = body["sender"]
        assert ("email" in sender) != ("id" in sender)  # exactly one of them
        assert sender.keys() <= {"name", "email"} and "@" in sender["email"]
        assert len(body["htmlContent"]) > 10
        assert body["isActive"] is True
        emails.append(PlatformEmail(body["htmlContent"], None, [body["subject"]]))
    return emails


def read_klaviyo(out: Path, campaign: RenderedCampaign) -> list[PlatformEmail]:
    emails = []
    template_paths = email_files(out / "templates", campaign)
    for path in template_paths:
        data = load(path)["data"]
        assert data["type"] == "template"
        attributes = data["attributes"]
        check_keys(attributes, {"name", "editor_type", "html"},
                   {"name", "editor_type", "html", "text", "amp"})
        nonempty_str(attributes["name"])
        assert attributes["editor_type"] == "CODE"
        emails.append(PlatformEmail(nonempty_str(attributes["html"]),
                                    nonempty_str(attributes["text"]), []))
    flow = load(out / "flow.json")["data"]
    assert flow["type"] == "flow"
    nonempty_str(flow["attributes"]["name"])
    definition = flow["attributes"]["definition"]
    assert len(definition["triggers"]) == 1 and definition["triggers"][0]["type"] == "list"
    actions = {a["temporary_id"]: a for a in definition["actions"]}
    assert len(actions) == len(definition["actions"])
    # Walk the flow from its entry: the days waited before each send are its delay_days.
    sends, day, current = [], 0, definition["entry_action_id"]
    while current is not None:
        action = actions.pop(current)
        if action["type"] == "time-delay":
            assert action["data"]["unit"] in ("days", "hours", "minutes")
            assert type(action["data"]["value"]) is int and action["data"]["value"] > 0
            day += action["data"]["value"]
        else:
            assert action["type"] == "send-email"
            assert action["data"]["status"] in ("draft", "live", "manual", "disabled")
            sends.append((day, action["data"]["message"]))
        current = action["links"]["next"]
    assert not actions, "every action is reachable from the entry"
    assert [d for d, _ in sends] == [r.email.delay_days for r in campaign.emails]
    for (_, message), email, path in zip(sends, emails, template_paths, strict=True):
        assert path.stem in message["template_id"]  # the placeholder the README's jq fills
        email.fields = [message["subject_line"], message["preview_text"]]
    return emails


def read_listmonk(out: Path, campaign: RenderedCampaign) -> list[PlatformEmail]:
    template = load(out / "template.json")
    assert template["type"] in ("campaign", "campaign_visual", "tx")
    assert 1 <= len(template["name"]) <= 2000
    # listmonk's own check (cmd/templates.go), which must match exactly once.
    assert len(re.findall(r'{{(\s+)?template\s+?"content"(\s+)?\.(\s+)?}}',
                          template["body"])) == 1
    emails = []
    for path in email_files(out / "campaigns", campaign):
        body = load(path)
        check_keys(body, {"name", "subject", "lists", "type", "content_type", "body"},
                   {"name", "subject", "lists", "type", "content_type", "body", "altbody",
                    "send_at", "send_later", "template_id", "from_email", "messenger", "tags",
                    "headers"})
        nonempty_str(body["name"])
        nonempty_str(body["subject"])
        assert isinstance(body["lists"], list) and all(type(i) is int for i in body["lists"])
        assert body["type"] in ("regular", "optin")
        assert body["content_type"] in ("richtext", "html", "markdown", "plain", "visual")
        if "send_at" in body:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", body["send_at"])
            assert body["send_later"] is True
        assert body["body"].count("{{ TrackView }}") <= 1
        emails.append(PlatformEmail(nonempty_str(body["body"]), nonempty_str(body["altbody"]),
                                    [body["subject"]]))
    send_dates = [load(p).get("send_at", "")[:10] for p in
                  email_files(out / "campaigns", campaign)]
    assert send_dates == [r.email.send_date.isoformat() if r.email.send_date else ""
                          for r in campaign.emails]
    return emails


# A fallback literal inside a filter: it must hold no delimiter pair that could end the tag.
_NO_PAIR = r"(?!\{\{|\}\}|\{%|%\})"
QUOTED = rf"""(?:"(?:{_NO_PAIR}[^"])*"|'(?:{_NO_PAIR}[^'])*')"""
GO_STRING = rf'"(?:{_NO_PAIR}(?:[^"\\]|\\.))*"'
HANDLEBARS_FIRST_NAME = r"\{\{#if first_name\}\}|\{\{\{?first_name\}\}\}?|\{\{else\}\}|\{\{/if\}\}"

PLATFORMS_UNDER_TEST = {
    "kit": Platform(
        read_kit, "{{ unsubscribe_url }}",
        ("subscriber.first_name", "{{ unsubscribe_url }}", "{{ address }}"),
        re.compile(rf"\{{\{{ subscriber\.first_name \| default: {QUOTED} \}}\}}"
                   r"|\{\{ unsubscribe_url \}\}|\{\{ address \}\}")),
    "sendgrid": Platform(
        read_sendgrid, "{{{unsubscribe}}}", ("{{{unsubscribe}}}",),
        re.compile(HANDLEBARS_FIRST_NAME + r"|\{\{\{unsubscribe\}\}\}"),
        extra_live=re.compile(r"<%|%>")),
    "ses": Platform(
        read_ses, "{{amazonSESUnsubscribeUrl}}", ("{{amazonSESUnsubscribeUrl}}",),
        re.compile(HANDLEBARS_FIRST_NAME + r"|\{\{amazonSESUnsubscribeUrl\}\}")),
    "mailgun": Platform(
        read_mailgun, "%unsubscribe_url%", ("%unsubscribe_url%",),
        re.compile(HANDLEBARS_FIRST_NAME + r"|%unsubscribe_url%"),
        extra_live=re.compile(r"%[A-Za-z_][\w.\-]*%")),
    "brevo": Platform(
        read_brevo, "{{ unsubscribe }}",
        ("contact.FIRSTNAME", "{{ unsubscribe }}", "{{ mirror }}"),
        re.compile(rf"\{{\{{ contact\.FIRSTNAME\|default:{QUOTED} \}}\}}"
                   r"|\{\{ unsubscribe \}\}|\{\{ mirror \}\}")),
    "klaviyo": Platform(
        read_klaviyo, "{% unsubscribe_link %}",
        ("{% unsubscribe_link %}", "{% web_view_link %}", "{{ organization.full_address }}",
         "{{ first_name|default:"),
        re.compile(rf"\{{\{{ first_name\|default:{QUOTED} \}}\}}|\{{% unsubscribe_link %\}}"
                   r"|\{% web_view_link %\}|\{\{ organization\.full_address \}\}")),
    "listmonk": Platform(
        read_listmonk, "{{ UnsubscribeURL }}",
        ("{{ UnsubscribeURL }}", ".Subscriber.FirstName", "{{ MessageURL }}"),
        re.compile(rf'\{{\{{ \.Subscriber\.FirstName \| default {GO_STRING} \}}\}}'
                   r"|\{\{ UnsubscribeURL \}\}|\{\{ MessageURL \}\}"
                   r'|\{\{ template "content" \. \}\}'),
        # listmonk rewrites `https://…@TrackLink` into a live tag before compiling.
        extra_live=re.compile(r"https?://\S*?@TrackLink")),
}
#: Tags of the platforms the other exporters cover, which none of these exports may contain.
FOREIGN_ONLY_MARKERS = ("*|", "pm:unsubscribe", "{{{ @content }}}")


# --- fixtures ------------------------------------------------------------------------------------


def export_all(campaign_dir: Path, out: Path) -> RenderedCampaign:
    """Render once, then let each exporter write its folder, as `export --to all` does."""
    campaign = render_campaign(campaign_dir)
    for name in PLATFORMS:
        (out / name).mkdir(parents=True)
        registry()[name]().write(campaign, out / name)
    return campaign


@pytest.fixture(scope="module")
def example_export(tmp_path_factory) -> tuple[Path, RenderedCampaign]:
    root = tmp_path_factory.mktemp("platforms")
    campaign_dir = root / "relational-therapy"
    shutil.copytree(EXAMPLE, campaign_dir, ignore=shutil.ignore_patterns("dist", "exports"))
    return root / "out", export_all(campaign_dir, root / "out")


def write_injection_campaign(folder: Path, *, second_delay: int = 2) -> Path:
    """A campaign whose article, subject, preheader and settings all carry template syntax.

    The article paragraph holds all four payloads (`*` escaped so Markdown keeps it literal);
    settings values that become literals (fallback name, postal address, sender) do too.
    """
    folder.mkdir(parents=True)
    article = ARTICLE.read_text(encoding="utf-8").replace(
        "## Volunteers make it work",
        "Template test for every gift: {{ 7*7 }} and \\*|UNSUB|\\* and {% if %} and "
        "%unsubscribe_url% stay plain words, and so do " + " and ".join(FORGED_TAGS) + " and "
        "%EE%80%80first_name%EE%80%81 (a percent-encoded neutral token).\n\n"
        "## Volunteers make it work")
    (folder / "article.md").write_text(article, encoding="utf-8")
    (folder / "campaign.yaml").write_text(f"""\
name: "Reading rooms {{{{ 5*5 }}}}"
slug: reading-rooms
sender:
  name: "Riverside & Co. {{{{ 4*4 }}}}"
  email: hello@riverside.example.org
postal_address: "12 River Rd {{{{ 3*3 }}}} %recipient.city% *|LIST:ADDRESS|*, Springfield"
links:
  article: https://riverside-literacy.example.org/appeal-2026
  cta: https://riverside-literacy.example.org/give
schedule:
  start_date: 2030-03-02
personalisation:
  first_name_fallback: "friend {{{{ 6*6 }}}} \\"&' {{% raw %}}"
emails:
  - theme: reading gap
    keywords: [reading gap, grade level, summer slide, reads below]
    delay_days: 0
    subject: "The gap {{{{ 2*2 }}}} *|FNAME|*"
    preheader: "Why {{% if x %}} reading early matters %recipient.first_name% for every child"
  - theme: gift
    keywords: [gift, donation, donors, dollars, template test]
    delay_days: {second_delay}
  - theme: volunteers
    keywords: [volunteer, tutors, tutor, mentor]
    delay_days: 5
  - theme: join
    keywords: [summer, raise, give today]
    delay_days: 9
""", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def injection_export(tmp_path_factory) -> tuple[Path, RenderedCampaign]:
    root = tmp_path_factory.mktemp("injection")
    campaign_dir = write_injection_campaign(root / "reading-rooms")
    return root / "out", export_all(campaign_dir, root / "out")


# --- helpers -------------------------------------------------------------------------------------


def visible_text(html: str) -> str:
    """What the reader sees: tags and comments dropped, character references decoded, and the
    invisible zero-width breaks removed."""
    body = re.sub(r"<style\b.*?</style>|<!--.*?-->", "", html, flags=re.DOTALL)
    return htmllib.unescape(re.sub(r"<[^>]*>", "", body)).replace(ZERO_WIDTH_SPACE, "")


def unsubscribe_tokens(rendered: str) -> int:
    return [m.group(1) for m in merge.TOKEN.finditer(rendered)].count(merge.UNSUBSCRIBE_URL)


def assert_no_live_syntax(platform: Platform, source: str) -> None:
    """Once dripcraft's own tags are taken out, nothing in `source` may open a tag."""
    rest = platform.allowed.sub("", source)
    # Every curly engine (Liquid, Handlebars, Django-style, Go) starts a tag only like this.
    for opener in ("{{", "{%", "{#"):
        at = rest.find(opener)
        assert at < 0, f"live {opener!r} in …{rest[max(at - 40, 0):at + 50]}…"
    if platform.extra_live:
        assert not platform.extra_live.search(rest), platform.extra_live.search(rest).group(0)


def json_strings(value: Any) -> list[str]:
    """Every string in a JSON document: any of them may reach the platform's engine."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for item in value for s in json_strings(item)]
    return []


def every_string(out: Path) -> list[str]:
    return [s for path in sorted(out.rglob("*.json")) for s in json_strings(load(path))]


def all_files_text(out: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.rglob("*")) if p.is_file())


# --- tests ---------------------------------------------------------------------------------------


def test_every_platform_is_registered_with_a_summary():
    known = registry()
    for name in PLATFORMS:
        assert known[name].name == name and known[name].title and known[name].summary


@pytest.mark.parametrize("name", PLATFORMS)
def test_export_has_every_field_the_platform_requires(name, example_export):
    out, campaign = example_export
    emails = PLATFORMS_UNDER_TEST[name].read(out / name, campaign)
    assert len(emails) == len(campaign.emails)
    readme = (out / name / "README.md").read_text(encoding="utf-8")
    assert "## Upload" in readme and "## Not verified" in readme
    for rendered in campaign.emails:
        assert rendered.email.subject in readme


@pytest.mark.parametrize("name", PLATFORMS)
def test_every_email_carries_the_platform_unsubscribe_link(name, example_export):
    out, campaign = example_export
    platform = PLATFORMS_UNDER_TEST[name]
    for email in platform.read(out / name, campaign):
        assert f'href="{platform.unsubscribe}"' in email.html
        if email.text is not None:
            assert platform.unsubscribe in email.text


@pytest.mark.parametrize("name", PLATFORMS)
def test_no_neutral_token_and_no_other_platform_tag(name, example_export):
    out, _ = example_export
    everything = all_files_text(out / name)
    assert merge.OPEN not in everything and merge.CLOSE not in everything
    assert "%EE%80%80" not in everything  # a token percent-encoded on the way
    for marker in PLATFORMS_UNDER_TEST[name].markers:
        assert marker in everything
    foreign = [m for other, platform in PLATFORMS_UNDER_TEST.items() if other != name
               for m in platform.markers] + list(FOREIGN_ONLY_MARKERS)
    assert [m for m in foreign if m in everything] == []


@pytest.mark.parametrize("name", PLATFORMS)
def test_only_dripcraft_tags_are_live(name, example_export):
    out, _ = example_export
    platform = PLATFORMS_UNDER_TEST[name]
    for source in every_string(out / name):
        assert_no_live_syntax(platform, source)


@pytest.mark.parametrize("name", PLATFORMS)
def test_article_template_syntax_stays_literal_text(name, injection_export):
    out, campaign = injection_export
    platform = PLATFORMS_UNDER_TEST[name]
    emails = platform.read(out / name, campaign)
    shown = "\n".join(visible_text(e.html) for e in emails)
    for payload in (*INJECTION, *FORGED_TAGS):
        assert payload in shown
    # The platform's unsubscribe tag is live exactly where dripcraft's template put the link.
    for email, rendered in zip(emails, campaign.emails, strict=True):
        assert email.html.count(platform.unsubscribe) == unsubscribe_tokens(rendered.html)
        if email.text is not None:
            assert email.text.count(platform.unsubscribe) == unsubscribe_tokens(rendered.text)
    texts = [e.text for e in emails if e.text is not None]
    if texts:
        plain = "\n".join(texts).replace(ZERO_WIDTH_SPACE, "")
        # The plain-text renderer may wrap lines; compare with whitespace collapsed.
        flat = " ".join(plain.split())
        for payload in INJECTION:
            assert payload in flat
    for source in every_string(out / name):  # bodies, subjects, names, senders, headers
        assert_no_live_syntax(platform, source)
    # Values from campaign.yaml and overrides that are written in are inert too, yet readable.
    assert "friend {{ 6*6 }}" in shown
    if not any("address" in marker for marker in platform.markers):
        assert "12 River Rd {{ 3*3 }} %recipient.city% *|LIST:ADDRESS|*" in shown
    assert emails[0].fields[0].replace(ZERO_WIDTH_SPACE, "") == "The gap {{ 2*2 }} *|FNAME|*"


@pytest.mark.parametrize("name", PLATFORMS)
def test_export_via_cli_writes_the_folder(name, invoke, example, tmp_path):
    result = invoke("export", example, "--to", name, "--out", tmp_path / "exports")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "exports" / name
    assert f"Wrote {folder}" in result.output
    campaign = render_campaign(example)
    assert len(PLATFORMS_UNDER_TEST[name].read(folder, campaign)) == len(campaign.emails)


def test_unknown_platform_exits_2_and_lists_the_valid_names(invoke, example, tmp_path):
    result = invoke("export", example, "--to", "nosuch", "--out", tmp_path / "exports")
    assert result.exit_code == 2
    assert "nosuch" in result.output
    for name in PLATFORMS:
        assert name in result.output
    assert not (tmp_path / "exports").exists()


@pytest.mark.parametrize("name", PLATFORMS)
def test_export_is_byte_identical_when_repeated(name, example_export, tmp_path):
    out, campaign = example_export
    again = tmp_path / name
    again.mkdir()
    registry()[name]().write(campaign, again)
    first = {p.relative_to(out / name): p.read_bytes() for p in (out / name).rglob("*")
             if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second


def test_long_names_and_no_start_date(tmp_path):
    """Names are cut to each platform's limit; without a start date nothing is scheduled."""
    campaign_dir = write_injection_campaign(tmp_path / "long")
    settings = campaign_dir / "campaign.yaml"
    long_slug = "a-" + "very-" * 7 + "long-slug"  # 40 characters, the most a slug has
    settings.write_text(
        settings.read_text(encoding="utf-8")
        .replace('name: "Reading rooms', f'name: "{"Reading rooms " * 10}')
        .replace("slug: reading-rooms", f"slug: {long_slug}")
        .replace("schedule:\n  start_date: 2030-03-02\n", "")
        .replace("  - theme: gift\n", f"  - theme: gift\n    slug: gift-{long_slug[5:]}\n"),
        encoding="utf-8")
    campaign = export_all(campaign_dir, tmp_path / "out")
    assert any(len(r.email.slug) > 30 for r in campaign.emails)
    assert all(r.email.send_date is None for r in campaign.emails)
    for name, platform in PLATFORMS_UNDER_TEST.items():
        platform.read(tmp_path / "out" / name, campaign)  # each reader checks its limits
    assert "no `send_at` is set" in (tmp_path / "out" / "listmonk" / "README.md").read_text(
        encoding="utf-8")


def test_kit_refuses_two_emails_on_the_same_day(invoke, tmp_path):
    campaign_dir = write_injection_campaign(tmp_path / "same-day", second_delay=0)
    result = invoke("export", campaign_dir, "--to", "kit", "--out", tmp_path / "exports")
    assert result.exit_code == 2
    assert "delay of 0 only for the first email" in result.output
    assert not (tmp_path / "exports" / "kit").exists()
