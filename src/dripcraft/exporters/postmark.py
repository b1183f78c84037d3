"""Postmark export: the folder `postmark templates push <dir>` reads (esp-formats.md §4).

    <dir>/<Alias>/meta.json     Name, Alias, TemplateType "Standard", Subject, TestRenderModel
    <dir>/<Alias>/content.html
    <dir>/<Alias>/content.txt

Templates use Mustachio: `{{ first_name }}` from the TemplateModel, with a fallback through an
inverted section, and `{{{ pm:unsubscribe }}}`. Postmark has no tags for the web version, postal
address or preheader, so those are written as literal text (the web version as a model
variable when no URL is configured).

Mustachio finds tags with `{{…}}` / `{{{…}}}` and has no escape syntax, so article text is
neutralised with character references in HTML and a U+200B between braces in plain text and
in the Subject (which Postmark renders as a template too).
"""

from __future__ import annotations

import re
from pathlib import Path

from dripcraft import merge
from dripcraft.errors import ExportError
from dripcraft.exporters._common import Dialect, check_limit, stem, write_json, write_text
from dripcraft.exporters.base import Exporter
from dripcraft.models import RenderedCampaign, RenderedEmail, Settings

POSTMARK = Dialect(
    name="postmark",
    # Any run of braces holding `{{` or `}}` (Mustachio's token finder needs two in a row).
    trigger=re.compile(r"[{}]*(?:\{\{|\}\})[{}]*"),
    # Mustachio's own token finder (Tokenizer.cs): `{{…}}` or `{{{…}}}` without inner braces.
    tag=re.compile(r"\{\{\{[^{}]+?\}\}\}|\{\{[^{}]+?\}\}"),
)

ALIAS = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")
BODY_LIMIT = 5 * 1024 * 1024      # HtmlBody, TextBody: 5 MB each
TEMPLATE_LIMIT = 100              # per server (current page; an older one said 300)


def tags(settings: Settings, email_preheader: str, *, html: bool) -> dict[str, str]:
    literal = POSTMARK.literal_html if html else POSTMARK.literal_text
    fallback = literal(settings.first_name_fallback)
    return {
        merge.FIRST_NAME: ("{{#first_name}}{{ first_name }}{{/first_name}}"
                           f"{{{{^first_name}}}}{fallback}{{{{/first_name}}}}"),
        merge.UNSUBSCRIBE_URL: "{{{ pm:unsubscribe }}}",
        merge.WEB_VERSION_URL: (literal(settings.web_version_url) if settings.web_version_url
                                else "{{ web_version_url }}"),
        merge.POSTAL_ADDRESS: literal(settings.postal_address),
        merge.PREHEADER: literal(email_preheader),
    }


def alias(settings: Settings, rendered: RenderedEmail) -> str:
    """`<campaign>-NN-<slug>`: letters, digits, `.-_`, starting with a letter."""
    value = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{settings.slug}-{stem(rendered.email)}")
    return value if value[:1].isalpha() else f"email-{value}"


def meta(settings: Settings, rendered: RenderedEmail) -> dict:
    model: dict[str, str] = {"first_name": settings.sample_first_name}
    if not settings.web_version_url:
        model["web_version_url"] = f"https://example.com/view/{rendered.email.slug}"
    return {
        "Name": f"{settings.name} {rendered.email.position:02d}: {rendered.email.theme}",
        "Alias": alias(settings, rendered),
        "TemplateType": "Standard",
        "Subject": POSTMARK.neutralise_text(rendered.email.subject),
        "TestRenderModel": model,
    }


class PostmarkExporter(Exporter):
    name = "postmark"
    title = "Postmark"
    summary = "postmark-cli folders (meta.json, content.html, content.txt), Mustachio tags."

    def write(self, campaign: RenderedCampaign, out: Path) -> None:
        settings = campaign.settings
        check_limit(self.name, "the number of templates", len(campaign.emails), TEMPLATE_LIMIT,
                    "templates")
        for rendered in campaign.emails:
            data = meta(settings, rendered)
            if not ALIAS.match(data["Alias"]):
                raise ExportError(f"postmark: cannot make a valid alias from {data['Alias']!r}")
            folder = out / data["Alias"]
            preheader = rendered.email.preheader
            html = POSTMARK.html(rendered.html, tags(settings, preheader, html=True))
            text = POSTMARK.text(rendered.text, tags(settings, preheader, html=False))
            for what, body in (("content.html", html), ("content.txt", text)):
                check_limit(self.name, f"{data['Alias']}/{what}", len(body.encode()), BODY_LIMIT)
            write_json(folder / "meta.json", data)
            write_text(folder / "content.html", html)
            write_text(folder / "content.txt", text)
        write_text(out / "README.md", _readme(campaign))


def _readme(campaign: RenderedCampaign) -> str:
    settings = campaign.settings
    lines = [
        f"# {settings.name}: Postmark",
        "",
        "One folder per email in the layout of `postmark-cli`:",
        "",
        "```",
        "export POSTMARK_SERVER_TOKEN=...   # a server token of your Broadcast stream's server",
        "postmark templates push .",
        "```",
        "",
        "Postmark sends what it is given and has no automation: your code sends each template",
        "(`POST /email/withTemplate`, `TemplateAlias`, `MessageStream` = your **Broadcast**",
        "stream) on its day:",
        "",
    ]
    for rendered in campaign.emails:
        email = rendered.email
        lines.append(f"- day {email.delay_days}"
                     + (f" ({email.send_date.isoformat()})" if email.send_date else "")
                     + f": `{alias(settings, rendered)}`")
    lines += [
        "",
        "## TemplateModel",
        "",
        "- `first_name`: the subscriber's first name; when missing or empty the template shows "
        f"\"{settings.first_name_fallback}\".",
    ]
    if not settings.web_version_url:
        lines.append("- `web_version_url`: a hosted copy of the email (no `links.web_version` "
                     "is configured in campaign.yaml).")
    lines += [
        "- `{{{ pm:unsubscribe }}}` is filled by Postmark for Broadcast-stream messages.",
        "- The postal address and preheader are written into the templates as text.",
        "",
        "## Not verified",
        "",
        "- The fallback uses a Mustache inverted section (`{{^first_name}}`); Mustachio's open",
        "  source tokenizer supports it, Postmark's help pages do not mention it.",
        f"- Templates per server: Postmark's page said 100 at one time and 300 at another; this "
        f"export has {len(campaign.emails)}.",
    ]
    return "\n".join(lines) + "\n"
