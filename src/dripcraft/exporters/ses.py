"""Amazon SES v2: one `CreateEmailTemplate` request per email (Handlebars-style tags).

`NN-slug.json` is the exact input of `aws sesv2 create-email-template --cli-input-json`
(the body of `POST /v2/email/templates`). Shape and limits: esp-formats.md §5.
"""

from __future__ import annotations

from collections.abc import Iterable

from dripcraft.exporters._common import CURLY_TRIGGER, Dialect, check_limit, stem
from dripcraft.exporters._jsontemplate import (
    HANDLEBARS_TAG,
    ExportFile,
    HandlebarsExporter,
    Readme,
    machine_name,
)
from dripcraft.models import RenderedCampaign

# SES v1 documents template names as up to 64 letters, digits, `_` and `-`; the v2 model
# only says "at least 1". The stricter rule keeps the names valid for both.
NAME_LIMIT = 64
# "Each template ≤ 500 KB including text and HTML"; read as 500,000 bytes to stay on the safe
# side of the KB/KiB ambiguity.
TEMPLATE_LIMIT = 500_000
UNSUBSCRIBE = "{{amazonSESUnsubscribeUrl}}"

DIALECT = Dialect(name="ses", trigger=CURLY_TRIGGER, tag=HANDLEBARS_TAG)


class SesExporter(HandlebarsExporter):
    name = "ses"
    title = "Amazon SES"
    summary = "CreateEmailTemplate JSON per email (SES v2, Handlebars-style tags)."
    dialect = DIALECT
    unsubscribe_tag = UNSUBSCRIBE

    def files(self, campaign: RenderedCampaign) -> Iterable[ExportFile]:
        for rendered in campaign.emails:
            email = rendered.email
            content = {
                "Subject": self.field(email.subject),
                "Text": self.text(campaign, rendered),
                "Html": self.html(campaign, rendered),
            }
            size = sum(len(value.encode()) for value in content.values())
            check_limit(self.name, f"template {stem(email)} (subject + text + HTML)", size,
                        TEMPLATE_LIMIT)
            yield ExportFile(f"{stem(email)}.json", {
                "TemplateName": machine_name(campaign.settings, email, NAME_LIMIT),
                "TemplateContent": content,
            })

    def readme(self, campaign: RenderedCampaign) -> Readme:
        return Readme(
            intro=[
                "One `CreateEmailTemplate` request per email (SES API v2). SES has no "
                "automation: your application sends each template on the day listed below.",
            ],
            upload=[
                "```sh",
                "for f in *.json; do",
                "  aws sesv2 create-email-template --cli-input-json \"file://$f\"",
                "  sleep 1   # CreateEmailTemplate allows one call per second",
                "done",
                "```",
                "",
                "Send with `aws sesv2 send-email` (or the API) using `Content.Template` with "
                "`TemplateName` and `TemplateData` such as `{\"first_name\": \"Sam\"}`, and "
                "`ListManagementOptions.ContactListName`: only then does SES replace "
                "`{{amazonSESUnsubscribeUrl}}` and add the List-Unsubscribe headers "
                "(this needs Easy DKIM on the sending identity).",
            ],
            notes=[
                "Each template is checked against the 500 KB limit (subject + text + HTML).",
                "A region stores at most 20,000 templates (10,000 on older accounts).",
            ],
            unverified=[
                "The exact placeholder `{{amazonSESUnsubscribeUrl}}` comes from secondary "
                "sources; AWS documents the behaviour, not the spelling.",
                "The 64-character, `[A-Za-z0-9_-]` rule for template names is from the SES v1 "
                "documentation; the v2 model only requires a non-empty name.",
                "`{{#if first_name}}…{{else}}…{{/if}}` assumes SES's documented Handlebars "
                "support for conditionals.",
            ],
        )
