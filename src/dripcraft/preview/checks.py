"""Optional: each email's check findings, when `dripcraft.check` is installed.

The preview works without it; the inbox column and the Checks tab only appear when this
returns findings. The one call into the checker is `dripcraft.check.findings_by_email(
out_dir, settings)` -> {position: [finding dict, ...]}; keeping the adapter here means the
checker's API can change without touching the server or the pages.
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
    fix: str = ""
    file: str = ""
    line: int | None = None

    @property
    def view(self) -> str:
        """The email view tab that shows the finding's line ("" if it names none)."""
        if not self.line:
            return ""
        return "text" if self.file.endswith(".txt") else "source"


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
    def notes(self) -> list[Finding]:
        return [f for f in self.sorted_findings if f.severity not in ("error", "warning")]

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.sorted_findings if f.severity in ("error", "warning")]

    @property
    def sorted_findings(self) -> list[Finding]:
        rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
        return sorted(self.findings, key=lambda f: (rank.get(f.severity, len(rank)), f.rule,
                                                    f.line or 0))


@dataclass(frozen=True)
class CheckResults:
    """Findings about one email each, plus those about the sequence as a whole."""

    by_email: dict[int, EmailChecks]
    sequence: EmailChecks

    def get(self, position: int) -> EmailChecks | None:
        return self.by_email.get(position)


def load_checks(result: Any, out_dir: Path, emails: Iterable[EmailEntry],
                report: Callable[[str], None] | None = None) -> CheckResults | None:
    """The build's findings, or None when checks are not available."""
    try:
        check = importlib.import_module("dripcraft.check")
    except ImportError:
        return None
    findings_by_email = getattr(check, "findings_by_email", None)
    settings = getattr(getattr(result, "campaign", None), "settings", None)
    if findings_by_email is None:
        return None
    try:
        raw = findings_by_email(out_dir, settings)
    except Exception as exc:  # checks must never take the preview down with them
        log.warning("checks failed: %s", exc)
        if report:
            report(f"Checks failed, showing the emails without them: {exc}")
        return None
    by_email: dict[int, list[Finding]] = {}
    sequence: dict[tuple, Finding] = {}
    for email in emails:
        own = by_email.setdefault(email.position, [])
        for item in raw.get(email.position, ()):
            finding = _finding(item)
            # findings_by_email repeats campaign-wide findings under every email; show them
            # once, on the inbox, instead of inflating each email's count.
            if item.get("position") is None and not item.get("emails"):
                sequence[(finding.rule, finding.message)] = finding
            else:
                own.append(finding)
    return CheckResults(by_email={p: EmailChecks(tuple(f)) for p, f in by_email.items()},
                        sequence=EmailChecks(tuple(sequence.values())))


def _finding(item: dict[str, Any]) -> Finding:
    line = item.get("line")
    return Finding(
        severity=str(item.get("severity") or "warning").lower(),
        rule=str(item.get("rule") or ""),
        message=str(item.get("message") or ""),
        fix=str(item.get("fix") or ""),
        file=str(item.get("element") if str(item.get("element") or "").endswith(".txt")
                 else item.get("file") or ""),
        line=line if isinstance(line, int) else None,
    )
