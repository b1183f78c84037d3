"""Optional: each email's check findings, when `dripcraft.check` is installed.

The preview works without it; the inbox column and the Checks tab only appear when this
returns findings. Keeping the adapter in one place means the check module's API can evolve
without touching the server or the pages.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dripcraft.preview.site import EmailEntry

log = logging.getLogger(__name__)

SEVERITY_ORDER = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    severity: str
    rule: str
    message: str


@dataclass(frozen=True)
class EmailChecks:
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def sorted_findings(self) -> list[Finding]:
        rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
        return sorted(self.findings, key=lambda f: (rank.get(f.severity, len(rank)), f.rule))


def load_checks(result: Any, out_dir: Path, emails: Iterable[EmailEntry],
                report: Callable[[str], None] | None = None) -> dict[int, EmailChecks] | None:
    """Per-email findings by position, or None when checks are not available."""
    try:
        check = importlib.import_module("dripcraft.check")
    except ImportError:
        return None
    findings_fn = getattr(check, "findings_by_email", None)
    if findings_fn is None:
        return None
    try:
        raw = findings_fn(out_dir)
    except Exception as exc:  # checks must never take the preview down with them
        log.warning("checks failed: %s", exc)
        if report:
            report(f"Checks failed, showing the emails without them: {exc}")
        return None
    by_position: dict[int, EmailChecks] = {}
    for email in emails:
        items = raw.get(email.position, ()) if isinstance(raw, dict) else ()
        by_position[email.position] = EmailChecks(tuple(_finding(i) for i in items))
    return by_position


def _finding(item: Any) -> Finding:
    get = item.get if isinstance(item, dict) else (lambda k, d=None: getattr(item, k, d))
    return Finding(severity=str(get("severity", "warning")).lower(),
                   rule=str(get("rule", "") or get("code", "") or ""),
                   message=str(get("message", "")))
