"""What the API-upload exporters (Kit, SendGrid, SES, Mailgun, Brevo, Klaviyo, listmonk) share.

Each of these platforms takes one JSON request body per email (plus, for some, a flow or a
layout). They differ in field names, limits and merge-tag dialect, and agree on the rest:

- the email's HTML and text go through `Dialect.html` / `Dialect.text` (neutralise the
  platform's template syntax, then put the platform's tags in for the neutral tokens);
- every other string the platform may run through its engine (subject, preview text, names,
  sender) is neutralised with `Dialect.neutralise_text`;
- merge fields the platform has no tag for are filled with literals from campaign.yaml;
- every export folder gets a README.md: how to upload, the schedule, what is unverified.

`JsonTemplateExporter` holds that skeleton; a platform module only says which files it
writes and what its tags are.
"""

from __future__ import annotations

import json
import re
from abc import abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.headerregistry import Address
from pathlib import Path
from typing import Any, ClassVar

from dripcraft import merge
from dripcraft.exporters._common import (
    Dialect,
    days_after_previous,
    web_version_url,
    stem,
    write_json,
    write_text,
)
from dripcraft.exporters.base import Exporter
from dripcraft.models import PlannedEmail, RenderedCampaign, RenderedEmail, Settings

#: Length cap for human-readable names where the platform documents none: long enough for
#: "<campaign name> NN: <subject>", short enough to read in the platform's lists.
DISPLAY_NAME_LIMIT = 200

#: A Handlebars tag (SendGrid, SES, Mailgun): `{{{ … }}}` or `{{ … }}`.
HANDLEBARS_TAG = re.compile(r"\{\{\{.*?\}\}\}|\{\{.*?\}\}", re.DOTALL)
#: A Liquid / Django-style tag (Kit, Brevo, Klaviyo): `{{ … }}` or `{% … %}`.
CURLY_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


@dataclass(frozen=True)
class ExportFile:
    """One JSON file of an export: a path inside the platform folder and the request body."""

    path: str
    data: Any


@dataclass
class Readme:
    """The parts of an export's README.md that differ between platforms."""

    intro: list[str]
    upload: list[str]
    notes: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)


class JsonTemplateExporter(Exporter):
    """An exporter that writes request bodies for a platform's template or email API."""

    #: The platform's template syntax (see `_common.Dialect`).
    dialect: ClassVar[Dialect]
    #: The platform puts a preview-text field of its own into the message (Kit, Klaviyo):
    #: the body's hidden preheader is then left empty, or the inbox would show it twice.
    #: The hidden filler after it stays, so body text still does not leak into the preview.
    has_preview_text_field: ClassVar[bool] = False

    # --- what a platform module provides ----------------------------------------------------

    @abstractmethod
    def platform_tags(self, settings: Settings, email: PlannedEmail, *,
                      html: bool) -> dict[str, str]:
        """The platform's own tags for the merge fields it supports (HTML or text context).

        Fields left out are filled with literals by `merge_tags`.
        """

    @abstractmethod
    def files(self, campaign: RenderedCampaign) -> Iterable[ExportFile]:
        """Every file of the export except README.md."""

    @abstractmethod
    def readme(self, campaign: RenderedCampaign) -> Readme:
        """What README.md says about uploading to this platform."""

    # --- shared -----------------------------------------------------------------------------

    def write(self, campaign: RenderedCampaign, out: Path) -> None:
        for export_file in self.files(campaign):
            write_json(out / export_file.path, export_file.data)
        readme = self.readme(campaign)
        readme.notes[:0] = self.merge_field_notes(campaign)
        write_text(out / "README.md", render_readme(self, campaign, readme))

    def merge_field_notes(self, campaign: RenderedCampaign) -> list[str]:
        """README lines: the tag each merge field became, and which are written in as text."""
        settings = campaign.settings
        tags = (self.platform_tags(settings, campaign.emails[0].email, html=True)
                if campaign.emails else {})
        notes = ["Merge fields in this platform's syntax: "
                 + "; ".join(f"{name} → `{tag}`" for name, tag in tags.items()) + "."]
        if self.has_preview_text_field:
            notes.append("The preheader goes into the platform's preview-text field; the "
                         "hidden preheader in the body is left empty so it does not show twice.")
        as_text = [name for name in merge.FIELDS
                   if name not in tags and not (name == merge.PREHEADER
                                                and self.has_preview_text_field)]
        if as_text:
            notes.append("Written in as text, from campaign.yaml or the email itself: "
                         + ", ".join(as_text) + ".")
        if merge.WEB_VERSION_URL in as_text:
            notes.append("The platform has no view-in-browser tag: the web version link points "
                         f"to {web_version_url(settings) or '(nothing: set links.web_version)'} "
                         "(`links.web_version`, else `links.article`).")
        return notes

    def literal(self, value: str, *, html: bool) -> str:
        """A settings value made inert for this platform's engine, for HTML or plain text."""
        return self.dialect.literal_html(value) if html else self.dialect.literal_text(value)

    def merge_tags(self, settings: Settings, email: PlannedEmail, *,
                   html: bool) -> dict[str, str]:
        """A tag or a safe literal for every merge field, for `Dialect.html` / `.text`."""
        preheader = "" if self.has_preview_text_field else email.preheader
        tags = {
            merge.PREHEADER: self.literal(preheader, html=html),
            merge.WEB_VERSION_URL: self.literal(web_version_url(settings), html=html),
            merge.POSTAL_ADDRESS: self.literal(settings.postal_address, html=html),
        }
        tags.update(self.platform_tags(settings, email, html=html))
        return tags

    def html(self, campaign: RenderedCampaign, rendered: RenderedEmail) -> str:
        return self.dialect.html(rendered.html,
                                 self.merge_tags(campaign.settings, rendered.email, html=True))

    def text(self, campaign: RenderedCampaign, rendered: RenderedEmail) -> str:
        return self.dialect.text(rendered.text,
                                 self.merge_tags(campaign.settings, rendered.email, html=False))

    def field(self, value: str) -> str:
        """A metadata value the platform may run through its engine (subject, preview text,
        names, sender): neutralised like plain text."""
        return self.dialect.neutralise_text(value)

    def display_name(self, settings: Settings, email: PlannedEmail,
                     limit: int = DISPLAY_NAME_LIMIT) -> str:
        """A human name such as `Spring series 02: Why values matter`, at most `limit`
        characters (subjects can come from article headings, so it is neutralised too)."""
        name = self.field(f"{settings.name} {email.position:02d}: {email.subject}")
        return name if len(name) <= limit else name[:limit - 1].rstrip() + "…"

    def sender_line(self, settings: Settings) -> str:
        """`"Display Name" <address>` for From fields that take one string (quoted as
        RFC 5322 needs, e.g. for a name with `&` or `.`)."""
        return str(Address(display_name=self.field(settings.sender.name),
                           addr_spec=settings.sender.email))


class HandlebarsExporter(JsonTemplateExporter):
    """SendGrid, SES and Mailgun: Handlebars, told apart by their unsubscribe tag."""

    #: The platform's own unsubscribe placeholder.
    unsubscribe_tag: ClassVar[str]

    def platform_tags(self, settings: Settings, email: PlannedEmail, *,
                      html: bool) -> dict[str, str]:
        fallback = self.literal(settings.first_name_fallback, html=html)
        # In plain text the triple-stash keeps Handlebars from HTML-escaping the name
        # (`O'Brien`, not `O&#x27;Brien`).
        value = "{{first_name}}" if html else "{{{first_name}}}"
        return {
            merge.FIRST_NAME: f"{{{{#if first_name}}}}{value}{{{{else}}}}{fallback}{{{{/if}}}}",
            merge.UNSUBSCRIBE_URL: self.unsubscribe_tag,
        }


# --- names, quoting, schedule ----------------------------------------------------------------


def machine_name(settings: Settings, email: PlannedEmail, limit: int) -> str:
    """`<campaign-slug>-NN-<email-slug>` in `[a-z0-9-]`, at most `limit` characters.

    Used where a platform wants an identifier-like, unique template name. When it is too
    long the campaign part is shortened first: `NN-<email-slug>` keeps it unique.
    """
    tail = _ascii_slug(stem(email))[:limit]
    room = limit - len(tail) - 1
    head = _ascii_slug(settings.slug)[:room].strip("-") if room > 0 else ""
    return f"{head}-{tail}" if head else tail


def quoted_literal(value: str) -> str:
    """`value` as a string literal for Liquid / Django-style filters (`default: "…"`).

    Those languages have no escape inside a literal, so pick the quote the value does not
    contain; a value with both has its double quotes turned typographic.
    """
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"' + value.replace('"', "\u201d") + '"'


def go_string(value: str) -> str:
    """`value` as a Go interpreted string literal (JSON string syntax is a subset of it)."""
    return json.dumps(value, ensure_ascii=False)


def schedule_rows(campaign: RenderedCampaign) -> list[tuple[RenderedEmail, int]]:
    """Each email with the days to wait after the previous one."""
    gaps = days_after_previous(r.email for r in campaign.emails)
    return list(zip(campaign.emails, gaps, strict=True))


# --- README ----------------------------------------------------------------------------------


def render_readme(exporter: Exporter, campaign: RenderedCampaign, readme: Readme) -> str:
    settings = campaign.settings
    lines = [f"# {settings.name}: {exporter.title} export", "",
             *(line for paragraph in readme.intro for line in (paragraph, "")),
             "## Upload", "", *readme.upload, "", "## The sequence", "",
             "| # | file | subject | day | wait after previous | send date |",
             "|---|---|---|---|---|---|"]
    for rendered, gap in schedule_rows(campaign):
        email = rendered.email
        when = email.send_date.isoformat() if email.send_date else "—"
        subject = email.subject.replace("|", "\\|")
        lines.append(f"| {email.position} | `{stem(email)}` | {subject} | {email.delay_days} "
                     f"| {gap} day{'s' if gap != 1 else ''} | {when} |")
    if readme.notes:
        lines += ["", "## Notes", "", *(f"- {note}" for note in readme.notes)]
    if readme.unverified:
        lines += ["", "## Not verified", "",
                  "These points come from secondary sources or could not be checked against "
                  "the platform's own documentation; test with one email before uploading "
                  "the whole sequence.", "",
                  *(f"- {item}" for item in readme.unverified)]
    return "\n".join(lines) + "\n"


def _ascii_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
