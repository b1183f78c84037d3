"""Mailgun: one stored template per email (`POST /v3/{domain}/templates`, Handlebars).

The API takes multipart/form-data; `NN-slug.json` holds the form fields as one JSON object
(`template` is the HTML), and the README's loop turns each into a curl call. Fields and limits:
esp-formats.md §6.
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
    machine_name,
)
from dripcraft.models import RenderedCampaign

TEMPLATES_LIMIT = 100  # per domain
NAME_LIMIT = 64  # dripcraft's own cap: Mailgun documents none, names show in URLs
UNSUBSCRIBE = "%unsubscribe_url%"

# Mailgun substitutes `%name%` variables (`%unsubscribe_url%`, `%recipient.x%`, …) in the
# final message on top of the Handlebars template, so both syntaxes are neutralised.
PERCENT_VARIABLE = r"%[A-Za-z_][\w.\-]*%"
# The same, except the start of a neutral token that lxml percent-encoded inside a link
# (`%EE%80%80name%EE%80%81`, see `dripcraft.merge.TOKEN`, which ignores case): it must
# survive neutralising to be filled with the real tag afterwards.
PERCENT_VARIABLE_NOT_TOKEN = r"%(?![Ee][Ee]%80%8[01])[A-Za-z_][\w.\-]*%"
DIALECT = Dialect(
    name="mailgun",
    trigger=re.compile(f"{CURLY_TRIGGER.pattern}|{PERCENT_VARIABLE_NOT_TOKEN}"),
    tag=re.compile(f"{HANDLEBARS_TAG.pattern}|{PERCENT_VARIABLE}", re.DOTALL),
)


class MailgunExporter(HandlebarsExporter):
    name = "mailgun"
    title = "Mailgun"
    summary = "Stored template form fields per email (Handlebars, %unsubscribe_url%)."
    dialect = DIALECT
    unsubscribe_tag = UNSUBSCRIBE

    def files(self, campaign: RenderedCampaign) -> Iterable[ExportFile]:
        settings = campaign.settings
        check_limit(self.name, "the number of templates", len(campaign.emails),
                    TEMPLATES_LIMIT, "templates")
        for rendered in campaign.emails:
            email = rendered.email
            headers = {"Subject": self.field(email.subject)}
            if settings.sender.email:
                headers["From"] = self.sender_line(settings)
            if settings.reply_to:
                headers["Reply-To"] = settings.reply_to
            yield ExportFile(f"{stem(email)}.json", {
                # Mailgun stores names lower-cased; writing them so keeps the file and the
                # stored template identical.
                "name": machine_name(settings, email, NAME_LIMIT),
                "description": self.display_name(settings, email),
                "template": self.html(campaign, rendered),
                "engine": "handlebars",
                "tag": "initial",
                "comment": self.field(f"dripcraft: {settings.name}, email {email.position}"),
                # The API wants a JSON string here, not an object.
                "headers": json.dumps(headers, ensure_ascii=False),
            })

    def readme(self, campaign: RenderedCampaign) -> Readme:
        return Readme(
            intro=[
                "One stored template per email. Each `NN-slug.json` holds the form fields of "
                "`POST /v3/{domain}/templates`; `template` is the HTML. Mailgun has no "
                "automation: your application sends each template on the day listed below "
                "(`o:deliverytime` schedules up to 7 days ahead).",
            ],
            upload=[
                "```sh",
                "export MAILGUN_API_KEY=... MAILGUN_DOMAIN=mg.example.com",
                "# EU accounts: https://api.eu.mailgun.net",
                "for f in *.json; do",
                "  jq -j .template \"$f\" | curl -sS --user \"api:$MAILGUN_API_KEY\" \\",
                "    \"https://api.mailgun.net/v3/$MAILGUN_DOMAIN/templates\" \\",
                "    --form-string \"name=$(jq -r .name \"$f\")\" \\",
                "    --form-string \"description=$(jq -r .description \"$f\")\" \\",
                "    --form-string \"engine=$(jq -r .engine \"$f\")\" \\",
                "    --form-string \"tag=$(jq -r .tag \"$f\")\" \\",
                "    --form-string \"comment=$(jq -r .comment \"$f\")\" \\",
                "    --form-string \"headers=$(jq -r .headers \"$f\")\" \\",
                "    -F 'template=<-'",
                "done",
                "```",
                "",
                "Send with `template=<name>`, `t:variables='{\"first_name\": \"Sam\"}'` and "
                "`t:text=yes` (Mailgun then derives the plain-text part from the HTML; stored "
                "templates have no text part of their own).",
            ],
            notes=[
                "`%unsubscribe_url%` works only with unsubscribe tracking enabled for the "
                "domain.",
                f"A domain holds at most {TEMPLATES_LIMIT} templates.",
            ],
            unverified=[
                "Whether Mailgun also runs the `headers` Subject through Handlebars is not "
                "documented; the subject is written without template syntax either way.",
            ],
        )
