"""`dripcraft check`: deliverability, accessibility and client-compatibility lint.

The checks run on a *built folder* (manifest.json, `NN-slug.html`, `NN-slug.txt`, as written
by `dripcraft build`) plus the campaign's `Settings`. One module per rule family:

    size.py          size/*        Gmail clipping, <style> size
    accessibility.py a11y/*        lang, layout tables, alt, contrast (light + dark), text
                                   size, heading order, link text
    links.py         links/*       https, empty/# hrefs, UTM, same text → different URLs
    compliance.py    compliance/*  unsubscribe link, postal address, List-Unsubscribe data
    copy.py          copy/*        subject, preheader, capitals, "!!!", spam phrases
    plaintext.py     text/*        plain text present, complete, wrapped, free of markup
    compat.py        compat/*      caniemail support in Gmail, Outlook, Apple Mail, Yahoo
    sequence.py      sequence/*    duplicates, repeated paragraphs, footer, sender, CTA,
                                   word budget

For other modules:

- `summarize(out_dir, settings) -> str`: the one line `build` prints.
- `run_checks(out_dir, settings) -> Report`: all findings (sorted); `Report.for_email(n)`
  gives the preview what to show next to email n.
- `preview_findings(out_dir, settings) -> list[dict]`: the same as JSON-ready dicts (the
  "findings" items of `check --json`, see report.REPORT_SCHEMA).
- `findings_by_email(out_dir, settings=None) -> dict[int, list[dict]]`: those dicts per email
  position (what the preview shows); campaign-wide findings are listed under every email.
- `run_check_command(campaign_dir, as_json=, strict=, verbose=)`: the CLI command.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from dripcraft.models import Settings

from .model import RULES, Finding, Rule
from .report import REPORT_SCHEMA, Report, format_report, format_rules, run_checks, \
    summary_line, to_json_text

__all__ = ["RULES", "REPORT_SCHEMA", "Finding", "Report", "Rule", "findings_by_email",
           "format_report", "format_rules", "load_rules", "preview_findings",
           "run_check_command", "run_checks", "summarize"]

_LOADED = False
# The settings each built folder was last summarised with: `build` calls summarize() right
# after writing, so the preview can ask for findings knowing only the folder.
_SETTINGS_BY_DIR: dict[Path, Settings] = {}


def load_rules() -> None:
    """Import every rule module once, so each registers its rules and checks."""
    global _LOADED
    if _LOADED:
        return
    from . import accessibility, compat, compliance, copy, links, plaintext, sequence, size  # noqa: F401
    _LOADED = True


def summarize(out_dir: Path, settings: Settings) -> str:
    """One line for `build`: "checks: 0 errors, 2 warnings, 31 info (dripcraft check ...)".

    A failure inside the checks must not fail a build, so it is reported in the line instead.
    """
    from dripcraft.errors import DripcraftError

    _SETTINGS_BY_DIR[Path(out_dir).resolve()] = settings
    while len(_SETTINGS_BY_DIR) > 16:  # the preview builds into a new folder each time
        del _SETTINGS_BY_DIR[next(iter(_SETTINGS_BY_DIR))]
    try:
        return summary_line(run_checks(Path(out_dir), settings))
    except DripcraftError as exc:
        return f"checks: not run ({exc.format_message()})"
    except Exception as exc:  # noqa: BLE001 - a checker bug must not lose the build
        return f"checks: not run (internal error {type(exc).__name__}: {exc})"


def preview_findings(out_dir: Path, settings: Settings) -> list[dict[str, Any]]:
    """Every finding as a dict (rule, family, severity, scope, position, file, emails, element,
    line, message, fix, data). An email's list: `[f for f in ... if n in f["emails"]]`."""
    return [f.to_dict() for f in run_checks(Path(out_dir), settings).findings]


def findings_by_email(out_dir: Path, settings: Settings | None = None
                      ) -> dict[int, list[dict[str, Any]]]:
    """Findings per email position for the preview. Without `settings`, those of the last
    build into `out_dir` are used (the build summarises every folder it writes)."""
    out_dir = Path(out_dir)
    if settings is None:
        settings = _SETTINGS_BY_DIR.get(out_dir.resolve())
    if settings is None:
        from dripcraft.errors import DripcraftError

        raise DripcraftError("no settings known for this build folder", path=out_dir,
                             hint="pass the campaign's Settings")
    report = run_checks(out_dir, settings)
    return {e.position: [f.to_dict() for f in report.findings
                         if f.position == e.position or e.position in f.emails or not f.emails]
            for e in report.emails}


def run_check_command(campaign_dir: Path, *, as_json: bool = False, strict: bool = False,
                      verbose: bool = False) -> Report:
    """Build the current source into a temporary folder, lint it, print the report.

    CAMPAIGN/dist is neither read nor written, so the report always matches the source.
    Exit 1 (ChecksFailed) on errors, or on warnings with `strict`.
    """
    import click

    from dripcraft.build import build
    from dripcraft.errors import ChecksFailed

    with tempfile.TemporaryDirectory(prefix="dripcraft-check-") as tmp:
        result = build(Path(campaign_dir), Path(tmp) / "dist")
        report = run_checks(result.out_dir, result.campaign.settings)
    if as_json:
        click.echo(to_json_text(report, strict))
    else:
        click.echo(format_report(report, strict=strict, verbose=verbose))
    if report.failed(strict):
        raise ChecksFailed("checks failed")
    return report
