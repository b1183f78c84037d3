"""`.eml` export: one RFC 5322 message per email, for test sends and hand upload.

The one place dripcraft builds a MIME message: `send-test` reuses `build_message`.

Structure (RFC 2046 §5.1.4: least faithful part first):
    multipart/alternative
      text/plain; charset=utf-8   (quoted-printable)
      text/html;  charset=utf-8   (quoted-printable)

A `.eml` goes to no template engine, so merge fields get plain values: the first name becomes
the configured fallback (the file is not addressed to anyone), the unsubscribe link the
configured unsubscribe URL. The bytes are deterministic: Date comes from the send date,
Message-ID and the MIME boundary are derived from the content, never from "now" or chance.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from markupsafe import escape

from dripcraft import merge
from dripcraft.errors import ExportError
from dripcraft.exporters._common import SEND_TIME, stem, web_version_url
from dripcraft.exporters.base import Exporter
from dripcraft.models import RenderedCampaign, RenderedEmail, Settings

# CRLF line ends as on the wire (RFC 5322 §2.1); lines stay ≤ 78 characters.
EML_POLICY = policy.SMTP

# With no start date configured the Date header still has to be fixed; this epoch stands in
# and is documented in the README of the export.
FALLBACK_START = date(2000, 1, 1)

ONE_CLICK = "List-Unsubscribe=One-Click"


def merge_values(settings: Settings, rendered: RenderedEmail, *, html: bool) -> dict[str, str]:
    """The values merge fields take in a message sent as is (no platform in between)."""
    values = merge.sample_values(settings, rendered.email, html=False)
    values[merge.FIRST_NAME] = settings.first_name_fallback
    # A stand-in example.com link must not ship in a file meant for real inboxes.
    values[merge.WEB_VERSION_URL] = web_version_url(settings) or values[merge.WEB_VERSION_URL]
    if html:
        values = {name: str(escape(value)) for name, value in values.items()}
    return values


def list_unsubscribe(settings: Settings) -> str | None:
    """The RFC 2369 `List-Unsubscribe` value: https first (RFC 8058 one-click), then mailto."""
    uris = []
    if settings.unsubscribe_url:
        uris.append(f"<{settings.unsubscribe_url}>")
    if settings.unsubscribe_mailto:
        mailto = settings.unsubscribe_mailto
        uris.append(f"<{mailto if mailto.startswith('mailto:') else 'mailto:' + mailto}>")
    return ", ".join(uris) or None


def send_datetime(settings: Settings, rendered: RenderedEmail) -> datetime:
    """When the email is due: its send date (or the fallback start plus its delay) at 09:00 UTC."""
    email = rendered.email
    day = email.send_date or (settings.start_date or FALLBACK_START) + timedelta(email.delay_days)
    return datetime.combine(day, SEND_TIME)


def sender_domain(settings: Settings) -> str:
    return settings.sender.email.rpartition("@")[2]


def message_id(settings: Settings, rendered: RenderedEmail) -> str:
    """Deterministic and unique per campaign and email: `<slug.NN.email-slug@sender-domain>`."""
    email = rendered.email
    return f"<{settings.slug}.{email.position:02d}.{email.slug}@{sender_domain(settings)}>"


def build_message(campaign: RenderedCampaign, rendered: RenderedEmail, *,
                  subject_prefix: str = "", to: str | None = None,
                  date_header: str | None = None, msg_id: str | None = None) -> EmailMessage:
    """The complete message for one email.

    `send-test` passes `subject_prefix`, `to`, and a current `date_header` / fresh `msg_id`
    (mailbox providers drop a second message with a Message-ID they have seen); the `.eml`
    export uses the deterministic defaults.
    """
    settings = campaign.settings
    if not settings.sender.email:
        raise ExportError("the sender has no address",
                          path=settings.path, hint="set sender.email in campaign.yaml")
    text = merge.fill(rendered.text, merge_values(settings, rendered, html=False))
    html = merge.fill(rendered.html, merge_values(settings, rendered, html=True))

    msg = EmailMessage(policy=EML_POLICY)
    msg["From"] = Address(settings.sender.name, addr_spec=settings.sender.email)
    if to:
        msg["To"] = to
    if settings.reply_to:
        msg["Reply-To"] = settings.reply_to
    msg["Subject"] = subject_prefix + rendered.email.subject
    msg["Date"] = date_header or format_datetime(send_datetime(settings, rendered))
    msg["Message-ID"] = msg_id or message_id(settings, rendered)
    unsubscribe = list_unsubscribe(settings)
    if unsubscribe:
        msg["List-Unsubscribe"] = unsubscribe
        # RFC 8058 one-click needs an https URI in List-Unsubscribe; mailto alone does not do.
        if settings.unsubscribe_url.startswith("https:"):
            msg["List-Unsubscribe-Post"] = ONE_CLICK
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    for part in msg.iter_parts():
        del part["MIME-Version"]  # add_alternative repeats it in the part; it belongs on top
    # The default boundary is random. Quoted-printable writes every "=" as "=3D", so a
    # boundary starting with "==" can never occur inside either part.
    digest = hashlib.sha256(f"{text}\0{html}".encode()).hexdigest()[:32]
    msg.set_boundary(f"==dripcraft-{digest}==")
    return msg


def message_bytes(msg: EmailMessage) -> bytes:
    """The message as it goes on the wire and into the `.eml` file (CRLF line ends)."""
    return msg.as_bytes(policy=EML_POLICY)


class EmlExporter(Exporter):
    name = "eml"
    title = ".eml files"
    summary = "One RFC 5322 message per email (text + HTML, List-Unsubscribe), for test sends."

    def write(self, campaign: RenderedCampaign, out: Path) -> None:
        for rendered in campaign.emails:
            data = message_bytes(build_message(campaign, rendered))
            (out / f"{stem(rendered.email)}.eml").write_bytes(data)
        (out / "README.md").write_text(_readme(campaign), encoding="utf-8")


def _readme(campaign: RenderedCampaign) -> str:
    settings = campaign.settings
    lines = [
        f"# {settings.name}: .eml files",
        "",
        "One complete message per email (plain text first, then HTML), ready to open in a",
        "mail client, import into a mailbox, or send with `dripcraft send-test`.",
        "",
        f"- First name is filled with the fallback \"{settings.first_name_fallback}\"; "
        "the unsubscribe link is the configured unsubscribe URL.",
        "- `List-Unsubscribe` / `List-Unsubscribe-Post: List-Unsubscribe=One-Click` "
        "(RFC 2369, RFC 8058) are set when an https unsubscribe URL is configured. Mailbox "
        "providers only honour one-click when a DKIM signature covers both headers: your "
        "sending service must sign them.",
        "- `Date` is the planned send date at 09:00 UTC"
        + ("." if settings.start_date else
           f" (no schedule.start_date is set, so the sequence is dated from "
           f"{FALLBACK_START.isoformat()})."),
        "",
    ]
    for rendered in campaign.emails:
        lines.append(f"- `{stem(rendered.email)}.eml`: {rendered.email.subject}")
    return "\n".join(lines) + "\n"
