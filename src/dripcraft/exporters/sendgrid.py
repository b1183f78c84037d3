"""SendGrid: a dynamic template plus its first version per email (Handlebars).

Two request bodies per email, because SendGrid creates the template and its content in two
calls: `templates/NN-slug.json` for `POST /v3/templates`, `versions/NN-slug.json` for
`POST /v3/templates/{template_id}/versions`. Field names and limits: esp-formats.md §3.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from dripcraft.exporters._common import CURLY_TRIGGER, Dialect, check_limit, stem
from dripcraft.exporters._jsontemplate import (
    HANDLEBARS_TAG,
    ExportFile,
    HandlebarsExporter,
    Readme,
)
from dripcraft.models import RenderedCampaign

NAME_LIMIT = 100
SUBJECT_LIMIT = 255
CONTENT_LIMIT = 1_048_576  # bytes, html_content and plain_content each
TEMPLATES_AND_VERSIONS_LIMIT = 300  # per account
UNSUBSCRIBE = "{{{unsubscribe}}}"

# Besides Handlebars, SendGrid fills `<%…%>` unsubscribe substitutions in some sending
# paths; in HTML `<` is always escaped, but the plain-text part could carry one.
DIALECT = Dialect(
    name="sendgrid",
    trigger=re.compile(f"{CURLY_TRIGGER.pattern}|<%|%>"),
    tag=HANDLEBARS_TAG,
)


class SendGridExporter(HandlebarsExporter):
    name = "sendgrid"
    title = "SendGrid"
    summary = "Dynamic template + version request bodies per email (Handlebars)."
    dialect = DIALECT
    unsubscribe_tag = UNSUBSCRIBE

    def files(self, campaign: RenderedCampaign) -> Iterable[ExportFile]:
        settings = campaign.settings
        check_limit(self.name, "the number of templates and versions",
                    2 * len(campaign.emails), TEMPLATES_AND_VERSIONS_LIMIT, "objects")
        for rendered in campaign.emails:
            email = rendered.email
            name = self.display_name(settings, email, NAME_LIMIT)
            subject = self.field(email.subject)
            html = self.html(campaign, rendered)
            text = self.text(campaign, rendered)
            check_limit(self.name, f"the subject of {stem(email)}", len(subject),
                        SUBJECT_LIMIT, "characters")
            check_limit(self.name, f"the HTML of {stem(email)}", len(html.encode()),
                        CONTENT_LIMIT)
            check_limit(self.name, f"the text of {stem(email)}", len(text.encode()),
                        CONTENT_LIMIT)
            yield ExportFile(f"templates/{stem(email)}.json",
                             {"name": name, "generation": "dynamic"})
            yield ExportFile(f"versions/{stem(email)}.json", {
                "name": name,
                "subject": subject,
                "html_content": html,
                "plain_content": text,
                # Default true would replace dripcraft's plain text with one generated from
                # the HTML.
                "generate_plain_content": False,
                "active": 1,
                "editor": "code",
                # A string holding JSON, as the API wants: what the preview pane fills in.
                "test_data": json.dumps({"first_name": settings.sample_first_name},
                                        ensure_ascii=False),
            })

    def readme(self, campaign: RenderedCampaign) -> Readme:
        return Readme(
            intro=[
                "One dynamic transactional template per email: `templates/NN-slug.json` creates "
                "the template, `versions/NN-slug.json` its content (subject, HTML, plain text).",
                "SendGrid has no API for Marketing Campaigns automations: build the automation "
                "in the console with the waits listed below, or send the templates from your "
                "own scheduler.",
            ],
            upload=[
                "```sh",
                "export SENDGRID_API_KEY=...   # a key with template permissions",
                "for f in templates/*.json; do",
                "  n=$(basename \"$f\")",
                "  id=$(curl -sS https://api.sendgrid.com/v3/templates \\",
                "         -H \"Authorization: Bearer $SENDGRID_API_KEY\" \\",
                "         -H 'Content-Type: application/json' --data-binary @\"$f\" | jq -r .id)",
                "  curl -sS \"https://api.sendgrid.com/v3/templates/$id/versions\" \\",
                "       -H \"Authorization: Bearer $SENDGRID_API_KEY\" \\",
                "       -H 'Content-Type: application/json' --data-binary @\"versions/$n\"",
                "  echo \"$n -> $id\"",
                "done",
                "```",
                "",
                "Send with `template_id` (the `d-…` id printed above), "
                "`dynamic_template_data: {\"first_name\": \"…\"}` and `asm.group_id` (an "
                "unsubscribe group): without `asm`, `{{{unsubscribe}}}` renders empty.",
            ],
            notes=[
                "`generate_plain_content` is false so SendGrid keeps dripcraft's plain text.",
                "The postal address is written in as text: SendGrid's `{{Sender_Address}}` "
                "tags are filled only in Marketing Campaigns, not in dynamic templates.",
                "An account holds at most 300 templates and versions together.",
            ],
            unverified=[
                "SendGrid documents no view-in-browser tag for dynamic templates.",
                "`{{{unsubscribe}}}` resolving in dynamic templates when the send carries "
                "`asm.group_id` comes from a secondary source (sendgrid/email-templates#90).",
            ],
        )
