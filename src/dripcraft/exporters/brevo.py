"""Brevo: one `POST /v3/smtp/templates` body per email (Brevo Template Language).

Brevo's automation workflows send these templates; the workflow itself (waits between the
emails) is built in the Brevo UI. Fields and tags: esp-formats.md §7.
"""

from __future__ import annotations

from collections.abc import Iterable

from dripcraft import merge
from dripcraft.errors import ExportError
from dripcraft.exporters._common import CURLY_TRIGGER, Dialect, stem
from dripcraft.exporters._jsontemplate import (
    CURLY_TAG,
    ExportFile,
    JsonTemplateExporter,
    Readme,
    quoted_literal,
)
from dripcraft.models import PlannedEmail, RenderedCampaign, Settings

# Brevo refuses htmlContent of 10 characters or fewer.
HTML_MIN_CHARS = 11

DIALECT = Dialect(name="brevo", trigger=CURLY_TRIGGER, tag=CURLY_TAG)


class BrevoExporter(JsonTemplateExporter):
    name = "brevo"
    title = "Brevo"
    summary = "SMTP template request body per email (Brevo Template Language)."
    dialect = DIALECT

    def platform_tags(self, settings: Settings, email: PlannedEmail, *,
                      html: bool) -> dict[str, str]:
        fallback = quoted_literal(self.literal(settings.first_name_fallback, html=html))
        return {
            merge.FIRST_NAME: f"{{{{ contact.FIRSTNAME|default:{fallback} }}}}",
            merge.UNSUBSCRIBE_URL: "{{ unsubscribe }}",
            merge.WEB_VERSION_URL: "{{ mirror }}",
        }

    def files(self, campaign: RenderedCampaign) -> Iterable[ExportFile]:
        settings = campaign.settings
        if not settings.sender.email:
            raise ExportError("brevo: a template needs a sender address", path=settings.path,
                              hint="set sender.email in campaign.yaml")
        sender = {"email": settings.sender.email}
        if settings.sender.name:
            sender = {"name": self.field(settings.sender.name), **sender}
        for rendered in campaign.emails:
            email = rendered.email
            html = self.html(campaign, rendered)
            if len(html) < HTML_MIN_CHARS:
                raise ExportError(f"brevo: the HTML of {stem(email)} is too short for Brevo "
                                  f"(at least {HTML_MIN_CHARS} characters)")
            body = {
                "templateName": self.display_name(settings, email),
                "subject": self.field(email.subject),
                "sender": sender,
                "htmlContent": html,
                "tag": settings.slug,
                # Brevo creates templates inactive unless told otherwise; these are meant to be
                # used as they are.
                "isActive": True,
            }
            if settings.reply_to:
                body["replyTo"] = settings.reply_to
            yield ExportFile(f"{stem(email)}.json", body)

    def readme(self, campaign: RenderedCampaign) -> Readme:
        return Readme(
            intro=[
                "One template per email for `POST https://api.brevo.com/v3/smtp/templates`. "
                "Then build an automation workflow in Brevo (Automations → Create a workflow) "
                "that sends the templates in order, with a *Wait* step of the days listed "
                "below between them.",
            ],
            upload=[
                "```sh",
                "export BREVO_API_KEY=...",
                "for f in *.json; do",
                "  curl -sS https://api.brevo.com/v3/smtp/templates \\",
                "       -H \"api-key: $BREVO_API_KEY\" -H 'Content-Type: application/json' \\",
                "       --data-binary @\"$f\"",
                "done",
                "```",
                "",
                "The response holds each template's `id`. To paste by hand instead: "
                "Campaigns → Templates → New template → Paste your code, then copy "
                "`htmlContent`.",
            ],
            notes=[
                "Templates are created active (`isActive: true`) so a workflow can use them.",
                "The sender address must be a verified sender in your Brevo account.",
            ],
            unverified=[
                "Brevo documents no tag for the postal address or the preheader; both are "
                "written into the HTML as text.",
                "No API for creating workflows was found, so the waits are set by hand.",
            ],
        )
