"""Mailchimp export: per email an importable `.html`, a `.zip` (HTML + local images), the
plain text, the JSON body for `POST /3.0/templates`, and a README to build the journey by hand.

Merge tags (esp-formats.md §1b): `*|FNAME|*` inside `*|IF:FNAME|*…*|ELSE:|*…*|END:IF|*` for the
fallback, `*|UNSUB|*` (required), `*|ARCHIVE|*`, `*|LIST:ADDRESSLINE|*`, `*|MC_PREVIEW_TEXT|*`.

Article text is neutralised first: in HTML `*|` becomes `&#42;&#124;` (the reader sees `*|`,
Mailchimp's parser does not); in plain text Mailchimp has no escape syntax, so a U+200B
(zero-width space) is put between the two characters.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from dripcraft import merge
from dripcraft.errors import ExportError
from dripcraft.exporters._common import Dialect, stem, write_json, write_text, write_zip
from dripcraft.exporters.base import Exporter
from dripcraft.models import RenderedCampaign, RenderedEmail, Settings

MAILCHIMP = Dialect(
    name="mailchimp",
    # Any run of `*` and `|` holding `*|` or `|*`, so escaping it leaves no pair behind.
    trigger=re.compile(r"[*|]*(?:\*\||\|\*)[*|]*"),
    # Tag names are upper-case letters, digits, `_` and `:` (esp-formats.md §12).
    tag=re.compile(r"\*\|[A-Z0-9_:]+\|\*"),
)

# Legacy v2 limit, kept to be safe (esp-formats.md §1a).
TEMPLATE_NAME_BYTES = 50
# Third-party figure, not confirmed on a Mailchimp page (esp-formats.md §1a, §13).
ZIP_SOFT_LIMIT = 1024 * 1024

_IMG_SRC = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)(["'])([^"']*)\2""", re.IGNORECASE)
_HAS_SCHEME = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def tags(settings: Settings, *, html: bool) -> dict[str, str]:
    literal = MAILCHIMP.literal_html if html else MAILCHIMP.literal_text
    fallback = literal(settings.first_name_fallback)
    return {
        merge.FIRST_NAME: f"*|IF:FNAME|**|FNAME|**|ELSE:|*{fallback}*|END:IF|*",
        merge.UNSUBSCRIBE_URL: "*|UNSUB|*",
        merge.WEB_VERSION_URL: "*|ARCHIVE|*",
        merge.POSTAL_ADDRESS: "*|LIST:ADDRESSLINE|*",
        merge.PREHEADER: "*|MC_PREVIEW_TEXT|*",
    }


def template_name(settings: Settings, rendered: RenderedEmail) -> str:
    """`NN theme – campaign`, cut to Mailchimp's 50 bytes without splitting a character."""
    name = f"{rendered.email.position:02d} {rendered.email.theme} – {settings.name}"
    return name.encode("utf-8")[:TEMPLATE_NAME_BYTES].decode("utf-8", "ignore").strip()


def local_images(html: str, campaign_dir: Path) -> tuple[str, list[tuple[str, bytes]]]:
    """Images referenced by a relative path: the HTML pointing at them by bare file name (the
    zip's one folder, which Mailchimp uploads on import) and the files to put beside it."""
    members: list[tuple[str, bytes]] = []
    names: dict[str, str] = {}

    def swap(m: re.Match[str]) -> str:
        src = m.group(3)
        if not src or _HAS_SCHEME.match(src):
            return m.group(0)  # absolute URLs are left alone by Mailchimp too
        if src not in names:
            path = (campaign_dir / src).resolve()
            if not path.is_file():
                raise ExportError(f"image {src!r} not found", path=campaign_dir,
                                  hint="use an https URL or a path relative to the campaign")
            name = PurePosixPath(path.name).name
            taken = {n for n, _ in members}
            while name in taken:  # two images with one file name in different folders
                name = f"{len(taken)}-{name}"
            names[src] = name
            members.append((name, path.read_bytes()))
        return f"{m.group(1)}{m.group(2)}{names[src]}{m.group(2)}"

    return _IMG_SRC.sub(swap, html), members


class MailchimpExporter(Exporter):
    name = "mailchimp"
    title = "Mailchimp"
    summary = "Importable HTML and ZIP templates with *|MERGE|* tags, plus a journey checklist."

    def write(self, campaign: RenderedCampaign, out: Path) -> None:
        settings = campaign.settings
        large: list[str] = []
        for rendered in campaign.emails:
            base = stem(rendered.email)
            html = MAILCHIMP.html(rendered.html, tags(settings, html=True))
            text = MAILCHIMP.text(rendered.text, tags(settings, html=False))
            if "*|UNSUB|*" not in MAILCHIMP.live_tags(html):
                # Mailchimp refuses to send a campaign without its own unsubscribe tag.
                raise ExportError(f"mailchimp: {base} has no unsubscribe link",
                                  hint="keep merge(\"unsubscribe_url\") in your templates")
            write_text(out / f"{base}.html", html)
            write_text(out / f"{base}.txt", text)
            zipped_html, images = local_images(html, settings.campaign_dir)
            archive = write_zip(out / f"{base}.zip",
                                [(f"{base}.html", zipped_html.encode("utf-8")), *images])
            if archive.stat().st_size > ZIP_SOFT_LIMIT:
                large.append(archive.name)
            write_json(out / "api" / f"{base}.json",
                       {"name": template_name(settings, rendered), "html": html})
        write_text(out / "README.md", _readme(campaign, large))


def _readme(campaign: RenderedCampaign, large: list[str]) -> str:
    settings = campaign.settings
    emails = campaign.emails
    lines = [
        f"# {settings.name}: Mailchimp",
        "",
        "Mailchimp cannot create a Customer Journey (automation flow) through its API, so build",
        "it by hand. Files per email:",
        "",
        "- `NN-slug.html`: Templates → Create template → Code your own → **Import HTML**.",
        "- `NN-slug.zip`: the same HTML with any local images beside it → **Import ZIP**.",
        "- `NN-slug.txt`: the plain-text version (paste into the campaign's plain-text tab).",
        "- `api/NN-slug.json`: the body for `POST /3.0/templates` (`name` ≤ 50 bytes, `html`).",
        "",
        "## Build the journey",
        "",
        "1. Automations → Customer Journeys → create a journey whose starting point is your",
        "   sign-up (e.g. \"Signs up for email\" on the audience).",
    ]
    step = 2
    previous = None
    for rendered in emails:
        email = rendered.email
        if previous is not None and email.delay_days > previous:
            gap = email.delay_days - previous
            lines.append(f"{step}. Add a **Time delay** rule: wait {gap} day{'s' * (gap != 1)}.")
            step += 1
        lines += [
            f"{step}. Add a **Send email** action using template `{stem(email)}`"
            f" (day {email.delay_days}):",
            f"   - Subject: {MAILCHIMP.neutralise_text(email.subject)}",
            f"   - Preview text: {MAILCHIMP.neutralise_text(email.preheader)}",
            f"   - From: {settings.sender.name} <{settings.sender.email}>"
            + (f", reply-to {settings.reply_to}" if settings.reply_to else ""),
        ]
        step += 1
        previous = email.delay_days
    lines += [
        f"{step}. Send a test of every email, then turn the journey on.",
        "",
        "## Merge tags used",
        "",
        f"- First name: `*|IF:FNAME|**|FNAME|**|ELSE:|*{settings.first_name_fallback}"
        "*|END:IF|*` (`FNAME` is the default audience field; if you renamed it, edit the tag).",
        "- Unsubscribe: `*|UNSUB|*` (Mailchimp refuses to send without it).",
        "- Preheader: `*|MC_PREVIEW_TEXT|*`: set each email's **preview text** as listed above.",
        "- View in browser: `*|ARCHIVE|*`. Postal address: `*|LIST:ADDRESSLINE|*`, filled from",
        "  the audience's contact details, so check the address there: "
        f"\"{settings.postal_address}\".",
        "",
        "## Not verified",
        "",
        "- `*|ARCHIVE|*` and `*|LIST:ADDRESSLINE|*` rest on widespread use in public templates;",
        "  Mailchimp's own merge-tag cheat sheet was not checked (esp-formats.md §13).",
        "- The ZIP import limit (under 1 MB, Standard plan or higher) comes from a third-party",
        "  page, not from Mailchimp.",
    ]
    if large:
        lines.append(f"- Over 1 MB, may be refused on import: {', '.join(large)}.")
    return "\n".join(lines) + "\n"
