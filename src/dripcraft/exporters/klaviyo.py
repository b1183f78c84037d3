"""Klaviyo: one Create Template body per email plus a Create Flow body with the time delays.

`templates/NN-slug.json` → `POST /api/templates`; `flow.json` → `POST /api/flows`, a draft
flow triggered by a list, that sends the emails in order with `time-delay` actions between
them. Both are JSON:API documents (`data.type`, `data.attributes`). esp-formats.md §10 and
Klaviyo's OpenAPI `create_flow.json` (revision 2026-07-15).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dripcraft import merge
from dripcraft.exporters._common import CURLY_TRIGGER, Dialect, check_limit, stem
from dripcraft.exporters._jsontemplate import (
    CURLY_TAG,
    ExportFile,
    JsonTemplateExporter,
    Readme,
    quoted_literal,
    schedule_rows,
)
from dripcraft.models import PlannedEmail, RenderedCampaign, Settings

REVISION = "2026-07-15"
TEMPLATES_LIMIT = 1_000  # templates that may be created through the API
#: Stands in for the list that starts the flow; the README's jq line fills it in.
LIST_PLACEHOLDER = "REPLACE_WITH_LIST_ID"


def template_placeholder(email: PlannedEmail) -> str:
    """What stands in `template_id` until the template exists (the README's jq fills it in)."""
    return f"REPLACE_WITH_TEMPLATE_ID_OF_{stem(email)}"


DIALECT = Dialect(name="klaviyo", trigger=CURLY_TRIGGER, tag=CURLY_TAG)


class KlaviyoExporter(JsonTemplateExporter):
    name = "klaviyo"
    title = "Klaviyo"
    summary = "Template bodies per email + a draft flow with time delays (JSON:API)."
    dialect = DIALECT
    has_preview_text_field = True

    def platform_tags(self, settings: Settings, email: PlannedEmail, *,
                      html: bool) -> dict[str, str]:
        fallback = quoted_literal(self.literal(settings.first_name_fallback, html=html))
        return {
            merge.FIRST_NAME: f"{{{{ first_name|default:{fallback} }}}}",
            merge.UNSUBSCRIBE_URL: "{% unsubscribe_link %}",
            merge.WEB_VERSION_URL: "{% web_view_link %}",
            merge.POSTAL_ADDRESS: "{{ organization.full_address }}",
        }

    def files(self, campaign: RenderedCampaign) -> Iterable[ExportFile]:
        settings = campaign.settings
        check_limit(self.name, "the number of templates", len(campaign.emails),
                    TEMPLATES_LIMIT, "templates")
        for rendered in campaign.emails:
            yield ExportFile(f"templates/{stem(rendered.email)}.json", {"data": {
                "type": "template",
                "attributes": {
                    "name": self.display_name(settings, rendered.email),
                    "editor_type": "CODE",
                    "html": self.html(campaign, rendered),
                    "text": self.text(campaign, rendered),
                },
            }})
        yield ExportFile("flow.json", self.flow(campaign))

    def flow(self, campaign: RenderedCampaign) -> dict[str, Any]:
        """The Create Flow body: a list trigger, then per email an optional delay and a send."""
        settings = campaign.settings
        actions: list[dict[str, Any]] = []
        for rendered, gap in schedule_rows(campaign):
            email = rendered.email
            if gap > 0:  # a zero wait is no action at all: the send follows at once
                actions.append({
                    "temporary_id": f"wait-{email.position:02d}",
                    "type": "time-delay",
                    "data": {"unit": "days", "value": gap, "timezone": "profile"},
                })
            message: dict[str, Any] = {
                "name": self.display_name(settings, email),
                "from_email": settings.sender.email or None,
                "from_label": self.field(settings.sender.name) or None,
                "reply_to_email": settings.reply_to or None,
                "subject_line": self.field(email.subject),
                "preview_text": self.field(email.preheader),
                "template_id": template_placeholder(email),
                # Smart Sending skips a profile that got any email in the last hours; in a
                # sequence that would silently drop emails sent close together.
                "smart_sending_enabled": False,
            }
            actions.append({
                "temporary_id": f"email-{email.position:02d}",
                "type": "send-email",
                "data": {"message": message, "status": "draft"},
            })
        for action, following in zip(actions, [*actions[1:], None], strict=True):
            action["links"] = {"next": following["temporary_id"] if following else None}
        return {"data": {
            "type": "flow",
            "attributes": {
                "name": self.field(settings.name),
                "definition": {
                    "triggers": [{"type": "list", "id": LIST_PLACEHOLDER}],
                    "profile_filter": None,
                    "actions": actions,
                    "entry_action_id": actions[0]["temporary_id"] if actions else None,
                },
            },
        }}

    def readme(self, campaign: RenderedCampaign) -> Readme:
        return Readme(
            intro=[
                "`templates/NN-slug.json` create one code template per email; `flow.json` "
                "creates a **draft** flow that starts when a profile joins a list and sends the "
                "emails with the waits listed below. Nothing is sent until you set the flow "
                "live in Klaviyo.",
            ],
            upload=[
                "```sh",
                "export KLAVIYO_API_KEY=pk_...   # scopes templates:write, flows:write",
                "export LIST_ID=...   # the list whose new members get the sequence",
                "hdr=(-H \"Authorization: Klaviyo-API-Key $KLAVIYO_API_KEY\" "
                f"-H 'revision: {REVISION}'",
                "     -H 'Content-Type: application/vnd.api+json' "
                "-H 'Accept: application/vnd.api+json')",
                "cp flow.json flow.ready.json",
                "for f in templates/*.json; do",
                "  id=$(curl -sS https://a.klaviyo.com/api/templates \"${hdr[@]}\" "
                "--data-binary @\"$f\" | jq -r .data.id)",
                "  n=$(basename \"$f\" .json)",
                "  jq --arg id \"$id\" --arg ph \"REPLACE_WITH_TEMPLATE_ID_OF_$n\" \\",
                "     '(.. | objects | select(.template_id == $ph) | .template_id) |= $id' \\",
                "     flow.ready.json > flow.tmp && mv flow.tmp flow.ready.json",
                "done",
                "jq --arg l \"$LIST_ID\" '.data.attributes.definition.triggers[0].id = $l' \\",
                "   flow.ready.json > flow.tmp && mv flow.tmp flow.ready.json",
                "curl -sS https://a.klaviyo.com/api/flows \"${hdr[@]}\" "
                "--data-binary @flow.ready.json",
                "```",
            ],
            notes=[
                f"API revision {REVISION}; Create Flow allows 1 request/s, 15/min, 100/day.",
                "Delays use the profile's time zone; a zero-day gap has no delay step.",
                "Smart Sending is off for every email of the flow, so no email of the "
                "sequence is skipped for coming soon after the previous one.",
                "The footer address is `{{ organization.full_address }}`, the address in "
                "your Klaviyo account settings, not campaign.yaml's postal_address.",
            ],
            unverified=[
                "That Klaviyo puts the flow message's `preview_text` into the email itself "
                "(so the body's preheader is left empty) is assumed from how ESPs handle "
                "preview text; if you use these templates in campaigns, set preview text "
                "there too.",
                "`{% web_view_link %}` and `{{ organization.full_address }}` are confirmed "
                "only by public templates, not by Klaviyo's tag reference.",
            ],
        )
