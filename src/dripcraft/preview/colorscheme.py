"""Show an email in its own light or dark palette, whatever the viewer's system prefers.

Mail clients that support dark mode apply the email's `@media (prefers-color-scheme: dark)`
rules. The preview cannot flip that media feature for one iframe, so it rewrites the media
queries of the served copy instead: each query that mentions the colour scheme is resolved
for the chosen scheme, which keeps every other condition (`max-width`, `screen`, ...) live.
This is the email's authored dark theme, not a colour inversion. Built files are untouched.
"""

from __future__ import annotations

import re

SCHEMES = ("light", "dark")

_STYLE_BLOCK = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.IGNORECASE | re.DOTALL)
_MEDIA_PRELUDE = re.compile(r"(@media\b)([^{};]*)(\{)", re.IGNORECASE)
_SCHEME_FEATURE = re.compile(r"\(\s*prefers-color-scheme\s*:\s*([a-z-]+)\s*\)", re.IGNORECASE)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_HEAD_START = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_BASE_TAG = re.compile(r"<base\b", re.IGNORECASE)
_COLOR_SCHEME_META = re.compile(
    r"<meta\b[^>]*name\s*=\s*[\"']?(?:color-scheme|supported-color-schemes)[\"']?[^>]*>",
    re.IGNORECASE,
)
_COLOR_SCHEME_PROPERTY = re.compile(r"color-scheme\s*:\s*([^;}\"]*)", re.IGNORECASE)

# A query that can never match, in the spelling the Media Queries spec itself uses.
NEVER = "not all"


def resolve_media_query_list(query_list: str, scheme: str) -> str:
    """Resolve `prefers-color-scheme` in a media query list as if the viewer chose `scheme`."""
    if not _SCHEME_FEATURE.search(query_list):
        return query_list
    kept = [q for q in (_resolve_query(part, scheme) for part in query_list.split(",")) if q]
    return ", ".join(kept) if kept else NEVER


def _resolve_query(query: str, scheme: str) -> str | None:
    """One media query: None if it cannot match under `scheme`, else the query without the
    colour-scheme condition (which is then known to hold)."""
    query = query.strip()
    wanted = [m.lower() for m in _SCHEME_FEATURE.findall(query)]
    if not wanted:
        return query
    negated = query.lower().startswith("not ")
    holds = all(w == scheme for w in wanted)
    if negated:
        # `not A and (scheme)` is `not (A and scheme)`: `not A` when the scheme holds,
        # and always true when it does not.
        return _drop_scheme_features(query) if holds else "all"
    if not holds:
        return None
    return _drop_scheme_features(query)


def _drop_scheme_features(query: str) -> str:
    rest = _SCHEME_FEATURE.sub("", query)
    # Remove the `and` that joined the dropped feature to its neighbours.
    rest = re.sub(r"\band\s+(?=\band\b)", "", rest, flags=re.IGNORECASE)
    rest = re.sub(r"^\s*(not|only)?\s*and\b", r"\1", rest, flags=re.IGNORECASE)
    rest = re.sub(r"\band\s*$", "", rest.strip(), flags=re.IGNORECASE)
    rest = " ".join(rest.split())
    if rest.lower() in ("", "only", "not"):
        return "all" if rest.lower() != "not" else NEVER
    return rest


def _rewrite_stylesheet(css: str, scheme: str) -> str:
    def rewrite(match: re.Match[str]) -> str:
        if not _SCHEME_FEATURE.search(match.group(2)):
            return match.group(0)
        return f"{match.group(1)} {resolve_media_query_list(match.group(2), scheme)} {match.group(3)}"

    return _MEDIA_PRELUDE.sub(rewrite, css)


def declares_dark_support(html: str) -> bool:
    """Whether the email opts in to dark rendering (color-scheme meta or CSS property)."""
    for meta in _COLOR_SCHEME_META.findall(html):
        if "dark" in meta.lower():
            return True
    for style in _STYLE_BLOCK.finditer(html):
        if any("dark" in v.lower() for v in _COLOR_SCHEME_PROPERTY.findall(style.group(2))):
            return True
    return False


def apply_color_scheme(html: str, scheme: str) -> str:
    """Return `html` as a mail client in `scheme` mode would style it, for the preview frame.

    Also pins the used `color-scheme` so the browser's own canvas and form colours follow the
    chosen mode (a client in dark mode renders an email that declares dark support on a dark
    canvas), and opens links in a new tab instead of inside the frame.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown colour scheme {scheme!r}")
    rewritten = _STYLE_BLOCK.sub(
        lambda m: m.group(1) + _rewrite_stylesheet(m.group(2), scheme) + m.group(3), html
    )
    used = "dark" if scheme == "dark" and declares_dark_support(html) else "light"
    extra = f'<style data-dripcraft-preview>:root{{color-scheme:{used} !important}}</style>'
    if not _BASE_TAG.search(rewritten):
        extra = '<base target="_blank">' + extra
    head_end = _HEAD_END.search(rewritten)
    if head_end:
        return rewritten[: head_end.start()] + extra + rewritten[head_end.start():]
    head_start = _HEAD_START.search(rewritten)
    if head_start:
        return rewritten[: head_start.end()] + extra + rewritten[head_start.end():]
    return extra + rewritten
