"""listmonk: a pass-through campaign template plus one campaign body per email (Go templates).

listmonk has no drips, so each email becomes a campaign of its own, scheduled with `send_at`
when campaign.yaml has a start date. `template.json` → `POST /api/templates`;
`campaigns/NN-slug.json` → `POST /api/campaigns`. esp-formats.md §9; the compile step
(`html/template` for body and altbody, `text/template` for the subject, the shorthand
rewrites) is from listmonk's `models/campaigns.go` and `models/models.go`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from dripcraft import merge
from dripcraft.exporters._common import CURLY_TRIGGER, SEND_TIME, Dialect, stem
from dripcraft.exporters._jsontemplate import (
    ExportFile,
    JsonTemplateExporter,
    Readme,
    go_string,
)
from dripcraft.models import PlannedEmail, RenderedCampaign, Settings

#: The campaign template: the email is a complete HTML document already, so the template only
#: hands it through. listmonk requires `{{ template "content" . }}` exactly once.
PASS_THROUGH_TEMPLATE = '{{ template "content" . }}'

# Besides `{{ }}`, listmonk rewrites the shorthand `https://…@TrackLink` into a live
# `{{ TrackLink … }}` before compiling, so `@T` before `rackLink` is neutralised as well.
TRACKLINK_SHORTHAND = r"@T(?=rackLink)"
DIALECT = Dialect(
    name="listmonk",
    trigger=re.compile(f"{CURLY_TRIGGER.pattern}|{TRACKLINK_SHORTHAND}"),
    tag=re.compile(r"\{\{.*?\}\}|https?://\S*?@TrackLink", re.DOTALL),
)


class ListmonkExporter(JsonTemplateExporter):
    name = "listmonk"
    title = "listmonk"
    summary = "Campaign template + one campaign body per email (Go templates, send_at)."
    dialect = DIALECT

    def platform_tags(self, settings: Settings, email: PlannedEmail, *,
                      html: bool) -> dict[str, str]:
        # html/template escapes what an action prints, so the fallback goes in as raw text
        # inside a Go string (where `}}` cannot end the action); literal_text still breaks
        # `{{` and `@TrackLink`, which listmonk's pre-compile rewrites would otherwise match.
        fallback = go_string(self.dialect.literal_text(settings.first_name_fallback))
        return {
            merge.FIRST_NAME: f"{{{{ .Subscriber.FirstName | default {fallback} }}}}",
            merge.UNSUBSCRIBE_URL: "{{ UnsubscribeURL }}",
            merge.WEB_VERSION_URL: "{{ MessageURL }}",
        }

    def files(self, campaign: RenderedCampaign) -> Iterable[ExportFile]:
        settings = campaign.settings
        yield ExportFile("template.json", {
            "name": self.field(f"{settings.name} (dripcraft)"),
            "type": "campaign",
            "body": PASS_THROUGH_TEMPLATE,
        })
        for rendered in campaign.emails:
            email = rendered.email
            body: dict[str, Any] = {
                "name": self.display_name(settings, email),
                "subject": self.field(email.subject),
                # Lists are ids of the listmonk install; the README's jq line fills them in.
                "lists": [],
                "type": "regular",
                "content_type": "html",
                "body": self.html(campaign, rendered),
                "altbody": self.text(campaign, rendered),
                "tags": [settings.slug],
            }
            if settings.sender.email:
                body["from_email"] = self.sender_line(settings)
            if email.send_date:
                body["send_later"] = True
                body["send_at"] = f"{email.send_date.isoformat()}T{SEND_TIME:%H:%M:%S}Z"
            yield ExportFile(f"campaigns/{stem(email)}.json", body)

    def readme(self, campaign: RenderedCampaign) -> Readme:
        scheduled = campaign.settings.start_date is not None
        return Readme(
            intro=[
                "listmonk has no drip sequences: every email is a campaign of its own. "
                "`template.json` is a pass-through campaign template (the emails are complete "
                "HTML documents); `campaigns/NN-slug.json` are the campaigns"
                + (", each with `send_at` on its send date at 09:00 UTC." if scheduled else
                   ". campaign.yaml has no `schedule.start_date`, so no `send_at` is set: "
                   "schedule them by hand, or set a start date and export again."),
                "A campaign goes to everyone on its lists on that date, so this suits a cohort "
                "that starts together, not subscribers who join at different times.",
            ],
            upload=[
                "```sh",
                "export LM=http://localhost:9000 LM_AUTH=api_user:token LISTS='[1]'",
                "tid=$(curl -sS -u \"$LM_AUTH\" \"$LM/api/templates\" "
                "-H 'Content-Type: application/json' \\",
                "      --data-binary @template.json |",
                "      jq --arg n \"$(jq -r .name template.json)\" '.data | if type == \"array\"",
                "        then (map(select(.name == $n)) | last | .id) else .id end')",
                "for f in campaigns/*.json; do",
                "  jq --argjson t \"$tid\" --argjson l \"$LISTS\" "
                "'.template_id = $t | .lists = $l' \"$f\" |",
                "    curl -sS -u \"$LM_AUTH\" \"$LM/api/campaigns\" "
                "-H 'Content-Type: application/json' --data-binary @-",
                "done",
                "```",
                "",
                "Campaigns are created as drafts; a scheduled one starts after "
                "`PUT /api/campaigns/{id}/status` with `{\"status\": \"scheduled\"}`.",
            ],
            notes=[
                "listmonk compiles body and altbody with Go's html/template, which drops HTML "
                "comments: the Outlook-only `<!--[if mso]>` parts of the emails do not "
                "survive, the rest of the layout does.",
                "listmonk can add List-Unsubscribe and one-click headers itself (Settings → "
                "Privacy).",
            ],
            unverified=[
                "listmonk's documentation shows `POST /api/templates` answering with a list of "
                "templates, its code with the new one; the jq line above takes the id from "
                "either.",
                "`send_later` is read from listmonk's source (`cmd/campaigns.go`), not its "
                "API documentation.",
            ],
        )
