"""Helpers shared by every export platform.

The one rule all exporters follow (see `Dialect`): article text that looks like a platform's
template syntax must never become live template code, and only dripcraft's own neutral merge
tokens (`dripcraft.merge`) become the platform's tags. The order is fixed:

1. neutralise the platform's template syntax across the whole rendered HTML / text, then
2. replace the neutral tokens by the platform's real tags.

Because the reader strips private-use characters from articles, a neutral token can only come
from dripcraft's own templates, so step 2 can never be triggered by article text, and whatever
step 2 inserts is not touched by step 1.

Public API (keep it small and stable; both exporter engineers import it):

- `CURLY_TRIGGER`      the trigger for every `{{ }}` / `{% %}` engine
- `Dialect`            a platform's template syntax: `.html()`, `.text()`, `.neutralise_text()`,
                       `.literal_html()`, `.literal_text()`, `.live_tags()`
- `zero_width_break`   the default plain-text escape (U+200B between the characters of a match)
- `neutralise_html`    the HTML half of `Dialect.html`, for a trigger without a Dialect
- `char_refs`          numeric character references for a string (the HTML escape)
- `stem`               `NN-slug`, the base file name of an email
- `days_after_previous` the gap of each email after the one before it
- `json_text`, `write_json`, `write_text`, `write_zip`   deterministic file output
- `check_limit`        raise `ExportError` when a platform limit is exceeded
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import time, timezone
from pathlib import Path
from typing import Any

from markupsafe import escape

from dripcraft import merge
from dripcraft.errors import ExportError
from dripcraft.models import PlannedEmail, Settings

# A send date has no time of day in campaign.yaml; morning in UTC is a neutral choice that
# every export which schedules (eml's Date header, listmonk's send_at) shares.
SEND_TIME = time(9, 0, tzinfo=timezone.utc)

ZERO_WIDTH_SPACE = "\u200b"

#: A `Dialect.trigger` for the curly-brace engines (Handlebars, Mustachio, Liquid, Django-style,
#: Brevo, Go templates): any run of `{ } % #` that holds `{{`, `}}`, `{%`, `%}`, `{#` or `#}`.
CURLY_TRIGGER = re.compile(r"[{}%#]*(?:\{\{|\}\}|\{%|%\}|\{#|#\})[{}%#]*")

# A zip entry's timestamp; fixed so that the same input gives the same bytes (1980 is the
# earliest date the zip format can store).
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)

# CSS (full of braces and `%`) and scripts come from the templates, never from the article:
# they are copied through byte for byte so CSS is never corrupted. Comments are not opaque:
# Outlook's conditional comments hold markup with article text (a VML button's label), and
# engines such as Mailchimp's read tags inside comments, so their inside is neutralised too.
_OPAQUE = re.compile(r"<style\b.*?</style\s*>|<script\b.*?</script\s*>|<!--(.*?)-->",
                     re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# One attribute inside a start tag: name, then an optional value in one of three quotings.
_ATTRIBUTE = re.compile(
    r"""(?P<name>[^\s"'<>/=]+)(?P<eq>\s*=\s*)(?P<value>"[^"]*"|'[^']*'|[^\s"'=<>`]+)""")
# Inline CSS comes from the templates and settings (brand colours), never from the article,
# and a character reference inside CSS is a risk in some clients: leave it alone.
_UNTOUCHED_ATTRIBUTES = frozenset({"style"})


def char_refs(text: str) -> str:
    """Every character of `text` as a numeric character reference (`{{` → `&#123;&#123;`).

    A browser shows the same characters, but a template engine reading the source no longer
    sees its delimiter.
    """
    return "".join(f"&#{ord(c)};" for c in text)


def zero_width_break(text: str) -> str:
    """`text` with U+200B between each pair of characters (`*|` → `*\\u200b|`).

    The default escape for plain text: invisible to the reader, but the engine no longer sees
    two adjacent delimiter characters. Used for engines without an escape syntax of their own.
    """
    return ZERO_WIDTH_SPACE.join(text)


def _neutralise_attributes(tag: str, replace: Callable[[re.Match[str]], str],
                           trigger: re.Pattern[str]) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group("name").lower() in _UNTOUCHED_ATTRIBUTES:
            return m.group(0)
        return m.group("name") + m.group("eq") + trigger.sub(replace, m.group("value"))

    # Attribute values only: element and attribute names are the template's own.
    return _ATTRIBUTE.sub(one, tag)


def neutralise_html(html: str, trigger: re.Pattern[str]) -> str:
    """Replace every `trigger` match in text and attribute values by character references.

    `<style>`, `<script>` and `style=""` attributes are copied unchanged; the inside of a
    comment is treated as markup (Outlook conditional comments).
    """
    replace = lambda m: char_refs(m.group(0))  # noqa: E731 - a one-line callback
    out: list[str] = []
    pos = 0
    for opaque in _OPAQUE.finditer(html):
        out.append(_neutralise_markup(html[pos:opaque.start()], trigger, replace))
        if opaque.group(1) is not None:  # a comment: its inside may be conditional markup
            out.append("<!--" + neutralise_html(opaque.group(1), trigger) + "-->")
        else:
            out.append(opaque.group(0))
        pos = opaque.end()
    out.append(_neutralise_markup(html[pos:], trigger, replace))
    return "".join(out)


def _neutralise_markup(html: str, trigger: re.Pattern[str],
                       replace: Callable[[re.Match[str]], str]) -> str:
    out: list[str] = []
    pos = 0
    for tag in _TAG.finditer(html):
        out.append(trigger.sub(replace, html[pos:tag.start()]))
        out.append(_neutralise_attributes(tag.group(0), replace, trigger))
        pos = tag.end()
    out.append(trigger.sub(replace, html[pos:]))
    return "".join(out)


@dataclass(frozen=True)
class Dialect:
    """A platform's template syntax, and how to keep article text out of it.

    `trigger` matches the character sequences that could start or end a live tag. Make it
    match whole *runs* of delimiter characters (e.g. `[{}]*\\{\\{[{}]*`, not `\\{\\{`), so that
    escaping one match cannot leave a delimiter pair behind next to it.

    `text_escape` turns one trigger match into text the engine prints literally. In HTML the
    escape is always numeric character references (same glyphs for the reader, no delimiter
    for the engine). In plain text there are no character references: use the engine's own
    escape/raw syntax where it has one, else `zero_width_break` (the default).

    `tag` matches one live tag of the platform; tests use it to prove that an export contains
    only dripcraft's own tags.
    """

    name: str
    trigger: re.Pattern[str]
    tag: re.Pattern[str]
    text_escape: Callable[[str], str] = zero_width_break

    def html(self, html: str, tags: Mapping[str, str]) -> str:
        """Rendered HTML → platform HTML: neutralise, then put `tags` in for neutral tokens.

        `tags` maps every merge field used in `html` (see `dripcraft.merge.FIELDS`) to the
        platform's tag or to a literal made with `literal_html`. Values are inserted verbatim.
        """
        return _fill(neutralise_html(html, self.trigger), tags, self.name)

    def text(self, text: str, tags: Mapping[str, str]) -> str:
        """Rendered plain text → platform text: neutralise, then put `tags` in."""
        return _fill(self.neutralise_text(text), tags, self.name)

    def neutralise_text(self, text: str) -> str:
        """Plain text (also a subject line or any metadata field the platform templates)
        with every trigger escaped for this engine."""
        return self.trigger.sub(lambda m: self.text_escape(m.group(0)), text)

    def literal_html(self, value: str) -> str:
        """A settings value (postal address, fallback name...) made safe to insert as a tag
        replacement into HTML: HTML-escaped, and inert for this engine."""
        return neutralise_html(str(escape(value)), self.trigger)

    def literal_text(self, value: str) -> str:
        """A settings value made safe to insert as a tag replacement into plain text."""
        return self.neutralise_text(value)

    def live_tags(self, source: str) -> list[str]:
        """Every live tag of this platform in `source`, in order (for tests and self-checks)."""
        return [m.group(0) for m in self.tag.finditer(source)]


def _fill(text: str, tags: Mapping[str, str], platform: str) -> str:
    def lookup(name: str) -> str:
        try:
            return tags[name]
        except KeyError:
            raise ExportError(f"{platform}: no tag for the merge field {name!r}") from None

    filled = merge.fill(text, lookup)
    if merge.OPEN in filled or merge.CLOSE in filled:
        raise ExportError(f"{platform}: a malformed merge token was left in the output")
    return filled


# --- names, schedule, limits -------------------------------------------------------------


def web_version_url(settings: Settings) -> str:
    """The view-in-browser link where the platform has no tag of its own.

    `links.web_version` if configured, else the article itself, which is the long-form
    version of every email's material.
    """
    return settings.web_version_url or settings.article_url


def stem(email: PlannedEmail) -> str:
    """The base file name of an email, `NN-slug`, as used by `build` (`01-burnout`)."""
    return f"{email.position:02d}-{email.slug}"


def days_after_previous(emails: Iterable[PlannedEmail]) -> list[int]:
    """Per email, the days to wait after the previous one (the first: after sign-up).

    `PlannedEmail.delay_days` counts from the start of the sequence; platforms whose delay
    steps are relative ("wait N days, then send") need the differences.
    """
    gaps: list[int] = []
    previous = 0
    for email in emails:
        gaps.append(email.delay_days - previous)
        previous = email.delay_days
    return gaps


def check_limit(platform: str, what: str, size: int, limit: int, unit: str = "bytes") -> None:
    """Raise `ExportError` when `size` exceeds the platform's documented `limit`."""
    if size > limit:
        raise ExportError(f"{platform}: {what} is {size:,} {unit}, over the limit of "
                          f"{limit:,} {unit}")


# --- deterministic output ----------------------------------------------------------------


def json_text(data: Any) -> str:
    """JSON as dripcraft writes it: UTF-8 characters kept, indent 2, key order as given,
    trailing newline. The same data always gives the same text."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_json(path: Path, data: Any) -> Path:
    """Write `data` with `json_text` (creating parent folders); returns `path`."""
    return write_text(path, json_text(data))


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text with `\\n` line ends exactly as given; returns `path`.

    Exporters write into the staging folder of `replace_dir`, which is swapped in atomically,
    so a plain write is enough here.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def write_zip(path: Path, members: Iterable[tuple[str, bytes]]) -> Path:
    """Write a zip with fixed timestamps and permissions, members in the order given.

    Same members → same bytes, so exports can be compared and cached.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, so the permissions above are read back
            archive.writestr(info, data)
    return path
