"""Schedule manifest: `schedule.csv`, `schedule.json` and `SETUP.md`, for building the
sequence by hand in a platform that has no sequence API (esp-formats.md §0)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dripcraft import __version__
from dripcraft.exporters._common import days_after_previous, stem, write_json, write_text
from dripcraft.exporters.base import Exporter
from dripcraft.models import RenderedCampaign

COLUMNS = ("position", "slug", "theme", "delay_days", "days_after_previous", "send_date",
           "subject", "preheader", "html", "text", "eml", "words", "reading_minutes")

# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def rows(campaign: RenderedCampaign) -> list[dict]:
    """One record per email, in send order, with the values the JSON file holds."""
    gaps = days_after_previous(r.email for r in campaign.emails)
    return [
        {
            "position": r.email.position,
            "slug": r.email.slug,
            "theme": r.email.theme,
            "delay_days": r.email.delay_days,
            "days_after_previous": gap,
            "send_date": r.email.send_date.isoformat() if r.email.send_date else None,
            "subject": r.email.subject,
            "preheader": r.email.preheader,
            "html": r.email.html_name,
            "text": r.email.text_name,
            "eml": f"{stem(r.email)}.eml",
            "words": r.email.words,
            "reading_minutes": r.email.reading_minutes,
        }
        for r, gap in zip(campaign.emails, gaps)
    ]


def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    # Keep article text from running as a formula when the file is opened in a spreadsheet;
    # the quote is what spreadsheets themselves use to mark text. The JSON keeps it exact.
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text


def csv_text(records: list[dict]) -> str:
    """RFC 4180 CSV (CRLF, quotes where needed), header row first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow([_cell(record[c]) for c in COLUMNS])
    return buffer.getvalue()


class ManifestExporter(Exporter):
    name = "manifest"
    title = "Schedule manifest"
    summary = "schedule.csv + schedule.json + SETUP.md checklist for building the drip by hand."

    def write(self, campaign: RenderedCampaign, out: Path) -> None:
        settings = campaign.settings
        records = rows(campaign)
        write_json(out / "schedule.json", {
            "generator": f"dripcraft {__version__}",
            "campaign": {
                "name": settings.name,
                "slug": settings.slug,
                "start_date": settings.start_date.isoformat() if settings.start_date else None,
                "sender": {"name": settings.sender.name, "email": settings.sender.email},
                "reply_to": settings.reply_to,
            },
            "emails": records,
        })
        write_text(out / "schedule.csv", csv_text(records))
        write_text(out / "SETUP.md", _setup(campaign, records))


def _setup(campaign: RenderedCampaign, records: list[dict]) -> str:
    settings = campaign.settings
    start = settings.start_date.isoformat() if settings.start_date else "the day a contact joins"
    lines = [
        f"# {settings.name}: set up the sequence by hand",
        "",
        "For platforms without an API for sequences (Mailchimp, SendGrid, Brevo, and any",
        "platform where your own code schedules sends: Postmark, Amazon SES, Mailgun, listmonk).",
        "The HTML and text of each email are in that platform's export folder beside this one,",
        "under the file names in `schedule.csv` (`html`, `text`); `eml/` holds complete messages.",
        "",
        "## Checklist",
        "",
        "1. Import each email as a template (see the platform folder's README).",
        "2. Create the automation / workflow, triggered when a contact joins the list or segment "
        "the sequence is for.",
    ]
    step = 3
    for record in records:
        wait = record["days_after_previous"]
        when = ("immediately" if record["position"] == records[0]["position"] and wait == 0
                else f"wait {wait} day{'s' * (wait != 1)}, then")
        lines += [
            f"{step}. Email {record['position']} ({record['theme']}, day {record['delay_days']}"
            + (f", {record['send_date']}" if record["send_date"] else "") + f"): {when} send",
            f"   `{record['html']}`.",
            f"   - Subject: {record['subject']}",
            f"   - Preheader / preview text: {record['preheader']}",
        ]
        step += 1
    lines += [
        f"{step}. Set the sender to {settings.sender.name} <{settings.sender.email}>"
        + (f" with reply-to {settings.reply_to}" if settings.reply_to else "") + ".",
        f"{step + 1}. Check every email has a working unsubscribe link and the postal address, "
        "and that the platform adds `List-Unsubscribe` and one-click "
        "(`List-Unsubscribe-Post`) headers, signed with DKIM (Gmail/Yahoo bulk-sender rules).",
        f"{step + 2}. Send yourself the whole sequence: "
        "`dripcraft send-test CAMPAIGN_DIR --to you@example.com`.",
        f"{step + 3}. Turn the automation on. First send: {start}.",
        "",
        "Delays: `delay_days` counts from the first email; `days_after_previous` is the wait "
        "to enter in a \"time delay\" step.",
        "",
        "Not verified: that Brevo has no API to create workflows (esp-formats.md §13).",
    ]
    return "\n".join(lines) + "\n"
