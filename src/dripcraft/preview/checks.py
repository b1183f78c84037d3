"""Each email's check findings, shaped for the preview pages.

The one call into the checker is `dripcraft.check.run_checks(out_dir, settings)`; keeping the
adapter here means the checker's API can change without touching the server or the pages.
If the checker fails, the inbox column and the Checks tab are left out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dripcraft.check import Finding as CheckFinding
from dripcraft.check import run_checks

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
    """The build's findings by email, or None when the checker itself fails."""
    try:
        findings = run_checks(out_dir, result.campaign.settings).findings
    except Exception as exc:  # checks must never take the preview down with them
        log.warning("checks failed: %s", exc)
        if report:
            report(f"Checks failed, showing the emails without them: {exc}")
        return None
    by_email: dict[int, list[Finding]] = {email.position: [] for email in emails}
    sequence: list[Finding] = []
    for found in findings:
        finding = _finding(found)
        # A sequence finding that names emails (a subject shared by 1 and 3) belongs to each
        # of them; one about the campaign as a whole is shown once, on the inbox.
        positions = [found.position] if found.position is not None else found.emails
        targets = [by_email[p] for p in positions if p in by_email]
        for target in targets or [sequence]:
            target.append(finding)
    return CheckResults(by_email={p: EmailChecks(tuple(f)) for p, f in by_email.items()},
                        sequence=EmailChecks(tuple(sequence)))


def _finding(found: CheckFinding) -> Finding:
    element = found.element or ""
    return Finding(
        severity=found.severity,
        rule=found.rule,
        message=found.message,
        fix=found.fix,
        file=element if element.endswith(".txt") else found.file or "",
        line=found.line,
    )
