"""The vendored caniemail data: which features the big clients support, collapsed per client.

`data/caniemail.json` is refreshed by `scripts/refresh-caniemail` (never fetched at run time).
Features are found by slug; how an email's CSS and HTML map to slugs lives in compat.py.

Support per client group is read from the *latest tested version* of each platform and then
collapsed: a group is "unsupported" when every platform says no, "partial" when some do or a
platform has partial support, "supported" otherwise. Unknown ("u") results are skipped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

# The client groups the compat rules report on: (id, label, caniemail family, platforms).
CLIENT_GROUPS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("gmail", "Gmail", "gmail", ("desktop-webmail", "ios", "android", "mobile-webmail")),
    ("outlook-windows", "Outlook (Windows)", "outlook", ("windows",)),
    ("outlook-mac", "Outlook (Mac)", "outlook", ("macos",)),
    ("outlook-com", "Outlook.com", "outlook", ("outlook-com",)),
    ("apple-mail", "Apple Mail", "apple-mail", ("macos", "ios")),
    ("yahoo", "Yahoo", "yahoo", ("desktop-webmail", "ios", "android")),
)
GROUP_LABELS = {gid: label for gid, label, _, _ in CLIENT_GROUPS}


@dataclass(frozen=True)
class GroupSupport:
    group: str
    support: str  # "supported" | "partial" | "unsupported"
    platforms: dict[str, str]  # platform -> "y" | "a" | "n" (latest tested version)
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Feature:
    slug: str
    title: str
    category: str
    url: str
    last_test_date: str
    groups: tuple[GroupSupport, ...]

    def support(self, group: str) -> str:
        for g in self.groups:
            if g.group == group:
                return g.support
        return "unknown"

    @property
    def unsupported(self) -> list[str]:
        return [g.group for g in self.groups if g.support == "unsupported"]

    @property
    def partial(self) -> list[str]:
        return [g.group for g in self.groups if g.support == "partial"]


def _version_key(version: str) -> tuple:
    """Sort key for caniemail version labels: years/dates and dotted numbers."""
    date = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-\d{1,2})?", version)
    if date:
        return (0, int(date.group(1)), int(date.group(2) or 0))
    numbers = re.findall(r"\d+", version)
    return (1, *(int(n) for n in numbers))


def latest(results: dict[str, str]) -> str | None:
    """The result of the most recent tested version, ignoring unknowns.

    Versions of one kind (all dates, or all app versions) sort naturally; a mix of kinds
    keeps the data's own order, in which caniemail appends newer tests last.
    """
    known = [(v, r) for v, r in results.items() if not r.startswith("u")]
    if not known:
        return None
    kinds = {_version_key(v)[0] for v, _ in known}
    if len(kinds) == 1:
        known.sort(key=lambda vr: _version_key(vr[0]))
    return known[-1][1]


def _group_support(feature: dict[str, Any], family: str, platforms: tuple[str, ...],
                   gid: str) -> GroupSupport | None:
    stats = feature.get("stats", {}).get(family, {})
    per_platform: dict[str, str] = {}
    notes: list[str] = []
    for platform in platforms:
        result = latest(stats.get(platform, {}))
        if result is None:
            continue
        per_platform[platform] = result[0]
        for number in re.findall(r"#(\d+)", result):
            note = (feature.get("notes_by_num") or {}).get(number)
            if note and note not in notes:
                notes.append(note)
    if not per_platform:
        return None
    values = set(per_platform.values())
    if values == {"n"}:
        support = "unsupported"
    elif values == {"y"}:
        support = "supported"
    else:
        support = "partial"
    return GroupSupport(gid, support, per_platform, tuple(notes))


@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    path = files("dripcraft").joinpath("data/caniemail.json")
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def features() -> dict[str, Feature]:
    out: dict[str, Feature] = {}
    for raw in load()["data"]:
        groups = tuple(g for gid, _, family, platforms in CLIENT_GROUPS
                       if (g := _group_support(raw, family, platforms, gid)) is not None)
        out[raw["slug"]] = Feature(raw["slug"], raw["title"].strip(), raw["category"],
                                   raw.get("url") or "", raw.get("last_test_date") or "",
                                   groups)
    return out


def data_version() -> str:
    data = load()
    return f"{(data.get('source') or {}).get('npm', 'caniemail')}, " \
           f"updated {str(data.get('last_update_date', ''))[:10]}"
