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
- `run_checks(out_dir, settings) -> Report`: all findings (sorted), what the preview shows.
- `run_check_command(campaign_dir, as_json=, strict=, verbose=)`: the CLI command.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from dripcraft.models import Settings

from .model import RULES, Finding, Rule
from .report import REPORT_SCHEMA, Report, format_report, format_rules, run_checks, \
    summary_line, to_json_text

__all__ = ["RULES", "REPORT_SCHEMA", "Finding", "Report", "Rule", "format_report",
           "format_rules", "load_rules", "run_check_command", "run_checks", "summarize"]

_LOADED = False


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

    try:
        return summary_line(run_checks(Path(out_dir), settings))
    except DripcraftError as exc:
        return f"checks: not run ({exc.format_message()})"
    except Exception as exc:  # noqa: BLE001 - a checker bug must not lose the build
        return f"checks: not run (internal error {type(exc).__name__}: {exc})"


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
