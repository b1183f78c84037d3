"""Running the rules over a built folder, and the report: human text, JSON and its schema."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dripcraft import __version__
from dripcraft.models import Settings

from . import caniemail
from .document import Campaign, load_campaign
from .model import (EMAIL_CHECKS, RULES, SEQUENCE_CHECKS, SEVERITIES, Finding, Hit,
                    validate_levels)
from .sequence import email_words, reading_minutes

SCHEMA_ID = "dripcraft-check/1"


@dataclass
class EmailSummary:
    position: int
    file: str
    text: str
    subject: str
    bytes: int
    words: int
    reading_minutes: int
    errors: int = 0
    warnings: int = 0
    info: int = 0


@dataclass
class Report:
    campaign: str
    slug: str
    emails: list[EmailSummary]
    findings: list[Finding]
    levels: dict[str, str] = field(default_factory=dict)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    @property
    def reading_minutes(self) -> int:
        return sum(e.reading_minutes for e in self.emails)

    def failed(self, strict: bool = False) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)

    def for_email(self, position: int) -> list[Finding]:
        """Everything the preview shows next to one email: its own findings, then the
        sequence findings that involve it."""
        return [f for f in self.findings
                if f.position == position or position in f.emails]

    def to_json(self, strict: bool = False) -> dict[str, Any]:
        return {
            "schema": SCHEMA_ID,
            "generator": f"dripcraft {__version__}",
            "caniemail": caniemail.data_version(),
            "campaign": {"name": self.campaign, "slug": self.slug},
            "summary": {"emails": len(self.emails), "errors": self.errors,
                        "warnings": self.warnings, "info": self.count("info"),
                        "reading_minutes": self.reading_minutes, "strict": strict,
                        "passed": not self.failed(strict)},
            "emails": [vars(e).copy() for e in self.emails],
            "findings": [f.to_dict() for f in self.findings],
            "levels": dict(sorted(self.levels.items())),
        }


# --- running ------------------------------------------------------------------------------


def _finding(hit: Hit, campaign: Campaign, levels: dict[str, str], email=None) -> Finding | None:
    rule = RULES[hit.rule]
    severity = hit.severity or rule.severity
    feature = hit.data.get("feature") if rule.family == "compat" else None
    override = levels.get(f"compat/{feature}") if feature else None
    override = override or levels.get(hit.rule)
    if override == "off":
        return None
    severity = override or severity
    scope = "sequence" if rule.family == "sequence" or email is None else "email"
    position = email.position if email is not None else hit.position
    emails = list(hit.emails) or ([position] if position is not None else [])
    by_position = {e.position: e for e in campaign.emails}
    file = by_position[position].html_name if position in by_position else None
    return Finding(rule=hit.rule, family=rule.family, severity=severity, scope=scope,
                   position=position, file=file, emails=sorted(emails), element=hit.element,
                   line=hit.line, message=hit.message, fix=hit.fix, data=dict(hit.data))


def _fingerprint(out_dir: Path, settings: Settings) -> str:
    digest = hashlib.sha256(repr(settings).encode())
    for path in sorted(Path(out_dir).iterdir()):
        if path.is_file() and path.suffix in (".json", ".html", ".txt"):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


_CACHE: OrderedDict[str, Report] = OrderedDict()


def run_checks(out_dir: Path, settings: Settings) -> Report:
    """Every rule over a built folder (manifest.json + HTML + text). Results are cached by
    content, so `build` followed by `check` or the preview lints once."""
    from . import load_rules

    load_rules()
    key = _fingerprint(out_dir, settings)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    levels = validate_levels(settings.checks, caniemail.features(), path=settings.path)
    campaign = load_campaign(out_dir, settings)
    findings: list[Finding] = []
    for email in campaign.emails:
        for check in EMAIL_CHECKS:
            for hit in check(email, campaign):
                if (f := _finding(hit, campaign, levels, email)) is not None:
                    findings.append(f)
    for check in SEQUENCE_CHECKS:
        for hit in check(campaign):
            if (f := _finding(hit, campaign, levels)) is not None:
                findings.append(f)
    findings.sort(key=Finding.sort_key)
    summaries = []
    for email in campaign.emails:
        counts = Counter(f.severity for f in findings if f.position == email.position)
        summaries.append(EmailSummary(
            email.position, email.html_name, email.text_name, email.subject,
            email.html_bytes, email_words(email), reading_minutes(email),
            counts["error"], counts["warning"], counts["info"]))
    meta = campaign.manifest.get("campaign") or {}
    report = Report(meta.get("name") or settings.name, meta.get("slug") or settings.slug,
                    summaries, findings, levels)
    _CACHE[key] = report
    while len(_CACHE) > 8:
        _CACHE.popitem(last=False)
    return report


# --- output -------------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def counts_text(report: Report) -> str:
    return (f"{_plural(report.errors, 'error')}, {_plural(report.warnings, 'warning')}, "
            f"{report.count('info')} info")


def summary_line(report: Report) -> str:
    """The one line `build` prints."""
    return f"checks: {counts_text(report)} (dripcraft check for details)"


def _format_finding(f: Finding, lines: list[str]) -> None:
    where = []
    if f.scope == "sequence" and f.emails:
        where.append(("email " if len(f.emails) == 1 else "emails ")
                     + ", ".join(map(str, f.emails)))
    if f.line is not None:
        where.append(f"line {f.line}")
    if f.element:
        where.append(f.element)
    lines.append(f"  {f.severity:<8} {f.rule}" + (f"  ({'; '.join(where)})" if where else ""))
    lines.append(f"           {f.message}")
    lines.append(f"           fix: {f.fix}")


def format_report(report: Report, *, strict: bool = False, verbose: bool = False) -> str:
    lines = [f"dripcraft check: {report.campaign} ({_plural(len(report.emails), 'email')})", ""]

    def section(findings: list[Finding]) -> None:
        shown = [f for f in findings if verbose or f.severity != "info"]
        for f in shown:
            _format_finding(f, lines)
        hidden = Counter(f.rule for f in findings if f not in shown)
        if hidden:
            detail = ", ".join(f"{rule} ×{n}" for rule, n in sorted(hidden.items()))
            lines.append(f"  info     {_plural(sum(hidden.values()), 'note')} ({detail}); "
                         "--verbose lists them")
        if not findings:
            lines.append("  ok")

    for email in report.emails:
        lines.append(f"{email.file}  \"{email.subject}\"  "
                     f"({email.bytes / 1000:.1f} KB, {email.words} words, "
                     f"{email.reading_minutes} min)")
        section([f for f in report.findings if f.scope == "email"
                 and f.position == email.position])
        lines.append("")
    lines.append("Sequence")
    section([f for f in report.findings if f.scope == "sequence"])
    per_email = ", ".join(f"{e.position}: {e.reading_minutes}" for e in report.emails)
    lines.append(f"  reading time: {report.reading_minutes} min in total "
                 f"(minutes per email {per_email})")
    lines.append("")
    verdict = "FAILED" if report.failed(strict) else "passed"
    why = ""
    if report.failed(strict) and not report.errors:
        why = " (--strict fails on warnings)"
    lines.append(f"{counts_text(report)}: {verdict}{why}")
    off = sorted(k for k, v in report.levels.items() if v == "off")
    if off:
        lines.append(f"turned off in campaign.yaml: {', '.join(off)}")
    return "\n".join(lines)


def format_rules() -> str:
    from . import load_rules

    load_rules()
    width = max(len(r) for r in RULES)
    lines = ["Rules (id, default severity, what it finds). Re-level or turn off in "
             "campaign.yaml:", "  checks: {a11y/link-text: off, copy/caps: error, "
             "compat/css-border-radius: off}", ""]
    for rule in sorted(RULES.values(), key=lambda r: r.id):
        lines.append(f"  {rule.id:<{width}}  {rule.severity:<8} {rule.summary}")
    return "\n".join(lines)


def to_json_text(report: Report, strict: bool = False) -> str:
    return json.dumps(report.to_json(strict), indent=2, ensure_ascii=False)


# The documented shape of `dripcraft check --json` (JSON Schema, draft 2020-12).
_NULLABLE_STR = {"type": ["string", "null"]}
_NULLABLE_INT = {"type": ["integer", "null"]}
REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "dripcraft check --json",
    "type": "object",
    "additionalProperties": False,
    "required": ["schema", "generator", "caniemail", "campaign", "summary", "emails",
                 "findings", "levels"],
    "properties": {
        "schema": {"const": SCHEMA_ID},
        "generator": {"type": "string"},
        "caniemail": {"type": "string", "description": "vendored data version and date"},
        "campaign": {"type": "object", "additionalProperties": False,
                     "required": ["name", "slug"],
                     "properties": {"name": {"type": "string"}, "slug": {"type": "string"}}},
        "summary": {
            "type": "object", "additionalProperties": False,
            "required": ["emails", "errors", "warnings", "info", "reading_minutes", "strict",
                         "passed"],
            "properties": {
                "emails": {"type": "integer", "minimum": 0},
                "errors": {"type": "integer", "minimum": 0},
                "warnings": {"type": "integer", "minimum": 0},
                "info": {"type": "integer", "minimum": 0},
                "reading_minutes": {"type": "integer", "minimum": 0},
                "strict": {"type": "boolean"},
                "passed": {"type": "boolean",
                           "description": "no errors (and, with strict, no warnings)"},
            },
        },
        "emails": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["position", "file", "text", "subject", "bytes", "words",
                         "reading_minutes", "errors", "warnings", "info"],
            "properties": {
                "position": {"type": "integer", "minimum": 1},
                "file": {"type": "string"}, "text": {"type": "string"},
                "subject": {"type": "string"},
                "bytes": {"type": "integer", "minimum": 0},
                "words": {"type": "integer", "minimum": 0},
                "reading_minutes": {"type": "integer", "minimum": 0},
                "errors": {"type": "integer", "minimum": 0},
                "warnings": {"type": "integer", "minimum": 0},
                "info": {"type": "integer", "minimum": 0},
            },
        }},
        "findings": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["rule", "family", "severity", "scope", "position", "file", "emails",
                         "element", "line", "message", "fix", "data"],
            "properties": {
                "rule": {"type": "string", "pattern": "^[a-z0-9]+/[a-z0-9-]+$"},
                "family": {"enum": ["size", "a11y", "links", "compliance", "copy", "text",
                                    "compat", "sequence"]},
                "severity": {"enum": list(SEVERITIES)},
                "scope": {"enum": ["email", "sequence"],
                          "description": "email: about one email; sequence: across emails "
                                         "or the campaign settings"},
                "position": {**_NULLABLE_INT,
                             "description": "the email concerned (null: campaign-wide)"},
                "file": {**_NULLABLE_STR, "description": "that email's HTML file"},
                "emails": {"type": "array", "items": {"type": "integer"},
                           "description": "every email involved"},
                "element": {**_NULLABLE_STR,
                            "description": "the element (or text file) concerned"},
                "line": {**_NULLABLE_INT, "description": "line in the HTML or text file"},
                "message": {"type": "string", "minLength": 1},
                "fix": {"type": "string", "minLength": 1},
                "data": {"type": "object",
                         "description": "rule-specific facts, e.g. contrast ratio, caniemail "
                                        "feature, support per client group, last_test_date"},
            },
        }},
        "levels": {"type": "object", "additionalProperties": {
            "enum": ["off", "error", "warning", "info"]},
            "description": "the checks: overrides from campaign.yaml"},
    },
}
