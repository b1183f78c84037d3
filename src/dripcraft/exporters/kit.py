"""Kit (ConvertKit): one sequence-email body per email for the v4 API (Liquid tags).

`NN-slug.json` → `POST /v4/sequences/{sequence_id}/emails`, with the delay after the previous
email, so the whole drip is created by API. Fields and rules: esp-formats.md §8.
"""

from __future__ import annotations

import re
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
    schedule_rows,
)
from dripcraft.models import PlannedEmail, RenderedCampaign, Settings

DIALECT = Dialect(name="kit", trigger=CURLY_TRIGGER, tag=CURLY_TAG)

_BODY = re.compile(r"<body\b[^>]*>(.*)</body\s*>", re.DOTALL | re.IGNORECASE)


def body_content(html: str) -> str:
    """What goes inside `<body>`: Kit wraps `content` in its own email template, so a second
    `<html>`/`<head>` would end up nested in the first. The CSS is inlined, so the body keeps
    its look without the `<head>`."""
    match = _BODY.search(html)
    return match.group(1).strip("\n") if match else html


class KitExporter(JsonTemplateExporter):
    name = "kit"
    title = "Kit"
    summary = "Sequence-email request bodies with delays for the Kit v4 API (Liquid)."
    dialect = DIALECT
    has_preview_text_field = True

    def platform_tags(self, settings: Settings, email: PlannedEmail, *,
                      html: bool) -> dict[str, str]:
        fallback = quoted_literal(self.literal(settings.first_name_fallback, html=html))
        return {
            merge.FIRST_NAME: f"{{{{ subscriber.first_name | default: {fallback} }}}}",
            merge.UNSUBSCRIBE_URL: "{{ unsubscribe_url }}",
            merge.POSTAL_ADDRESS: "{{ address }}",
        }

    def files(self, campaign: RenderedCampaign) -> Iterable[ExportFile]:
        for index, (rendered, gap) in enumerate(schedule_rows(campaign)):
            email = rendered.email
            if gap == 0 and index > 0:
                raise ExportError(
                    f"kit: email {email.position} ({email.slug}) goes out the same day as the "
                    "one before it, and Kit allows a delay of 0 only for the first email",
                    path=campaign.settings.path,
                    hint=f"give emails -> {email.position} -> delay_days a later day")
            yield ExportFile(f"{stem(email)}.json", {
                "subject": self.field(email.subject),
                "preview_text": self.field(email.preheader),
                "content": body_content(self.html(campaign, rendered)),
                "delay_value": gap,
                "delay_unit": "days",
                "position": index,
                # A published immediate first email goes out at once to everyone already in
                # the sequence: leave publishing to a person.
                "published": False,
            })

    def readme(self, campaign: RenderedCampaign) -> Readme:
        return Readme(
            intro=[
                "One request body per email for Kit's API v4: subject, preview text, HTML "
                "content and the delay after the previous email. Uploaded in order, they form "
                "the whole sequence; every email is created as a draft (`published: false`).",
            ],
            upload=[
                "Create the sequence in Kit (Send → Sequences → New sequence) and note its id "
                "from the URL, then:",
                "",
                "```sh",
                "export KIT_API_KEY=... SEQUENCE_ID=...",
                "for f in *.json; do",
                "  curl -sS \"https://api.kit.com/v4/sequences/$SEQUENCE_ID/emails\" \\",
                "       -H \"X-Kit-Api-Key: $KIT_API_KEY\" "
                "-H 'Content-Type: application/json' \\",
                "       --data-binary @\"$f\"",
                "done",
                "```",
                "",
                "Review the emails in Kit and publish them there. Publishing an immediate "
                "first email sends it at once to subscribers already in the sequence.",
            ],
            notes=[
                "`content` is the inside of the email's `<body>`: Kit wraps it in the "
                "sequence's email template, so the page-level `<head>` (dark-mode and "
                "small-screen CSS) is left out; every layout style is inlined. Pick a plain "
                "email template in Kit so its own header does not frame the design.",
                "Day delays follow the sequence's send days and send hour in Kit.",
                "Kit's email template adds its own footer; the emails keep dripcraft's "
                "footer (unsubscribe, address) as well.",
            ],
            unverified=[
                "Creating the sequence itself by API is not documented in our reference, "
                "so it is created by hand.",
                "`{{ subscriber.first_name }}` and `{{ address }}` come from secondary "
                "sources; `{{ address }}` is the address in your Kit account settings.",
                "Kit documents no view-in-browser tag: the web version link is written in.",
                "That Kit puts `preview_text` into the email itself (so the body's preheader "
                "is left empty) is assumed from how ESPs handle preview text.",
                "The `X-Kit-Api-Key` header is how Kit's v4 API authenticates per Kit's "
                "developer docs; our reference does not cover authentication.",
            ],
        )
