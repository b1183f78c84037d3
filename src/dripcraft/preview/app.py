"""The preview's pages and routes, as a plain function of the request target.

No sockets here: `PreviewApp.respond()` maps a request target to a `Response`, so the HTTP
server, `dripcraft preview --get PATH` and tests share one code path.

Routes (everything else is the 404 page):

    /                      inbox: every email in send order
    /email/<n>             email view (query: view, width, scheme)
    /frame/<n>?scheme=     the built HTML for the view's iframe, in the chosen colour scheme
    /files/<name>          a built file exactly as on disk (html, txt, manifest.json)
    /_preview/static/<f>   the preview's own CSS and JS
    /_preview/poll?epoch=&build=  long-poll: returns when a build starts or ends
"""

from __future__ import annotations

import json
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode

import jinja2

from dripcraft.preview.checks import Finding
from dripcraft.preview.colorscheme import apply_color_scheme
from dripcraft.preview.site import EmailEntry, GoodBuild, LiveBuild, Status

VIEWS = ("preview", "text", "source", "checks")
WIDTHS = {"phone": 375, "desktop": 800, "full": None}
SCHEMES = ("light", "dark")
DEFAULT_STATE = {"view": "preview", "width": "desktop", "scheme": "light"}

# Gmail hides everything after ~102 KB of HTML behind "[Message clipped]".
GMAIL_CLIP_BYTES = 102 * 1024

# Long-polls return at least this often, so proxies and sleeping laptops never hold one forever.
POLL_SECONDS = 25.0
# A page request waits this long for a rebuild in progress rather than show the old build.
BUILD_WAIT_SECONDS = 30.0

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_EMAIL = re.compile(r"^/email/([1-9][0-9]{0,3})/?$")
_FRAME = re.compile(r"^/frame/([1-9][0-9]{0,3})$")
_FILE = re.compile(r"^/files/([A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*)$")
_STATIC = re.compile(r"^/_preview/static/([a-z0-9-]+\.(?:css|js))$")

PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "frame-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'")
# A built email may show remote images (a logo) but never runs script, as in a mail client.
EMAIL_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:; "
             "font-src http: https: data:; frame-ancestors 'self'; "
             "sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox")


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def long_date(day: date | None) -> str:
    """'Tue 1 Dec 2026', the same in every locale."""
    if day is None:
        return ""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_date(day: date | None) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]}" if day else ""


def kilobytes(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def _safe_path(target: str) -> str | None:
    """The decoded path of an origin-form request target, or None if it tries to escape.

    Routes are matched on the decoded path, so `%2e%2e/` is judged as `../`. Anything with
    a dot segment, a backslash, a NUL or an empty segment is refused outright rather than
    normalised: no legitimate preview URL contains one.
    """
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not path.startswith("/") or path.startswith("//"):
        return None
    decoded = unquote(path)
    if any(ch in decoded for ch in ("\\", "\x00")) or "//" in decoded:
        return None
    if any(segment in (".", "..") for segment in decoded.split("/")):
        return None
    return decoded


def _lines(text: str) -> list[str]:
    """The lines of a file as an editor numbers them (no phantom line after a final newline)."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def _query(target: str) -> dict[str, str]:
    query = target.split("#", 1)[0].partition("?")[2]
    return {k: v[-1] for k, v in parse_qs(query).items()}


class PreviewApp:
    """Turns request targets into preview pages, built files and poll answers."""

    def __init__(self, live: LiveBuild) -> None:
        self.live = live
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("dripcraft.preview", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(long_date=long_date, short_date=short_date, kilobytes=kilobytes)
        self._static = resources.files("dripcraft.preview") / "static"

    # -- routing ---------------------------------------------------------------------

    def respond(self, target: str) -> Response:
        path = _safe_path(target)
        if path is None:
            return self.not_found()
        query = _query(target)
        if path == "/_preview/poll":
            return self.poll(query)
        if match := _STATIC.match(path):
            return self.static(match.group(1))
        if path not in ("/", "/index.html") and not (
                _EMAIL.match(path) or _FRAME.match(path) or _FILE.match(path)):
            return self.not_found()
        # Show a rebuild in progress once it is done, never the build it is replacing.
        self.live.wait_until_built(BUILD_WAIT_SECONDS)
        status, good = self.live.snapshot()
        if path in ("/", "/index.html"):
            return self.inbox(status, good)
        if good is None:
            return self.not_found(status=status, good=good)
        if match := _EMAIL.match(path):
            return self.email_view(status, good, int(match.group(1)), query)
        if match := _FRAME.match(path):
            return self.frame(good, int(match.group(1)), query)
        if match := _FILE.match(path):
            return self.built_file(good, match.group(1))
        return self.not_found()

    # -- pages -----------------------------------------------------------------------

    def _page(self, template: str, status: Status, good: GoodBuild | None, code: int = 200,
              **context: Any) -> Response:
        html = self.env.get_template(template).render(
            status=status, good=good, failure=status.failure, **context)
        return Response(code, html.encode("utf-8"),
                        headers={"Content-Security-Policy": PAGE_CSP})

    def inbox(self, status: Status, good: GoodBuild | None) -> Response:
        emails = good.emails if good else ()
        last_day = max((e.delay_days for e in emails), default=0)
        return self._page(
            "inbox.html.j2", status, good,
            title=good.campaign_name if good else "No build yet",
            emails=emails,
            checks=good.checks if good else None,
            span_days=last_day,
            total_words=sum(e.words for e in emails),
            total_minutes=sum(e.reading_minutes for e in emails),
            first_send=emails[0].send_date if emails else None,
        )

    def email_view(self, status: Status, good: GoodBuild, position: int,
                   query: dict[str, str]) -> Response:
        email = good.email(position)
        if email is None:
            return self.not_found(
                f"This campaign has {len(good.emails)} emails; there is no email {position}.",
                status=status, good=good)
        state = {
            "view": query.get("view") if query.get("view") in VIEWS else DEFAULT_STATE["view"],
            "width": query.get("width") if query.get("width") in WIDTHS else DEFAULT_STATE["width"],
            "scheme": (query.get("scheme") if query.get("scheme") in SCHEMES
                       else DEFAULT_STATE["scheme"]),
        }
        checks = good.checks.get(position) if good.checks is not None else None
        if state["view"] == "checks" and good.checks is None:
            state["view"] = "preview"
        index = good.emails.index(email)
        previous = good.emails[index - 1] if index > 0 else None
        following = good.emails[index + 1] if index + 1 < len(good.emails) else None
        html_source = good.read_text(email.html_name)
        text = good.read_text(email.text_name)
        text_lines = _lines(text)

        def href(target: EmailEntry | None = None, **changes: str) -> str:
            """A link to `target` (default: this email) that keeps the current view state."""
            merged = {**state, **changes}
            params = {k: v for k, v in merged.items() if DEFAULT_STATE[k] != v}
            base = f"/email/{(target or email).position}"
            return base + ("?" + urlencode(params) if params else "")

        def line_link(finding: Finding) -> str:
            """Where the tab that shows a finding's line scrolls to it ("" if no line)."""
            if not finding.view:
                return ""
            anchor = ("T" if finding.view == "text" else "L") + str(finding.line)
            return href(view=finding.view) + "#" + anchor

        return self._page(
            "email.html.j2", status, good,
            line_link=line_link,
            title=f"{email.position}. {email.subject}",
            email=email,
            total=len(good.emails),
            previous=previous,
            following=following,
            state=state,
            views=VIEWS if good.checks is not None else VIEWS[:3],
            widths=WIDTHS,
            schemes=SCHEMES,
            href=href,
            frame_src=f"/frame/{email.position}?" + urlencode({"scheme": state["scheme"]}),
            text=text,
            text_lines=text_lines,
            text_ends_with_newline=text.endswith("\n"),
            longest_text_line=max((len(line) for line in text_lines), default=0),
            source_lines=_lines(html_source),
            html_bytes=len(html_source.encode("utf-8")),
            clip_bytes=GMAIL_CLIP_BYTES,
            checks=checks,
            checks_available=good.checks is not None,
            sender_name=good.sender_name,
            sender_email=good.sender_email,
        )

    def not_found(self, message: str = "", status: Status | None = None,
                  good: GoodBuild | None = None) -> Response:
        if status is None:
            status, good = self.live.snapshot()
        return self._page("not_found.html.j2", status, good, code=404, title="Not found",
                          message=message)

    # -- files -----------------------------------------------------------------------

    def frame(self, good: GoodBuild, position: int, query: dict[str, str]) -> Response:
        email = good.email(position)
        if email is None:
            return self.not_found()
        scheme = query.get("scheme") if query.get("scheme") in SCHEMES else "light"
        html = apply_color_scheme(good.read_text(email.html_name), scheme)
        return Response(200, html.encode("utf-8"), headers={"Content-Security-Policy": EMAIL_CSP})

    def built_file(self, good: GoodBuild, name: str) -> Response:
        path = good.file(name)
        if path is None:
            return self.not_found()
        content_type = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8",
                        ".json": "application/json"}.get(path.suffix)
        if content_type is None:
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return Response(200, path.read_bytes(), content_type,
                        headers={"Content-Security-Policy": EMAIL_CSP})

    def static(self, name: str) -> Response:
        resource = self._static / name
        if not resource.is_file():
            return self.not_found()
        content_type = ("text/css; charset=utf-8" if name.endswith(".css")
                        else "text/javascript; charset=utf-8")
        return Response(200, resource.read_bytes(), content_type)

    def poll(self, query: dict[str, str]) -> Response:
        try:
            since = int(query.get("epoch", ""))
        except ValueError:
            since = -1
        status = self.live.status()
        # A page from another build (or from before a restart of the server, whose epochs
        # may happen to match) is answered at once so it can reload, unless a build is
        # running: then it waits for that build, not spins.
        if since >= 0 and (query.get("build") == status.token or status.building):
            status = self.live.wait_for_change(since, POLL_SECONDS)
        return Response(200, json.dumps(status.to_json()).encode("utf-8"), "application/json")
