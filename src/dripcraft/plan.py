"""The split stage as a whole: settings + article → Plan, and how to explain it."""

from __future__ import annotations

import json
from pathlib import Path

from dripcraft.models import Plan, PlannedEmail
from dripcraft.reader import read_article
from dripcraft.settings import load_settings
from dripcraft.splitter import split


def load_plan(campaign_dir: Path) -> Plan:
    """Read the campaign's settings and article and divide the article into its emails."""
    settings = load_settings(Path(campaign_dir))
    article = read_article(settings.campaign_dir / settings.article)
    return split(article, settings)


def email_data(email: PlannedEmail) -> dict:
    """What `plan --json` and manifest.json both say about an email."""
    return {
        "position": email.position, "slug": email.slug, "theme": email.theme,
        "subject": email.subject, "preheader": email.preheader, "delay_days": email.delay_days,
        "send_date": email.send_date.isoformat() if email.send_date else None,
        "words": email.words, "reading_minutes": email.reading_minutes,
        "source_headings": email.source_headings,
    }


def plan_to_data(plan: Plan) -> dict:
    return {
        "campaign": {"name": plan.settings.name, "slug": plan.settings.slug,
                     "article": str(plan.settings.article), "title": plan.article.title},
        "emails": [
            {
                **email_data(e), "score": e.score, "call_to_action": e.is_cta,
                "keep_reading": e.keep_reading,
                "blocks": [{"line": b.line, "kind": b.kind, "words": b.words} for b in e.blocks],
                "left_out": [_left_out(item) for item in e.left_out],
            }
            for e in plan.emails
        ],
        "unused": [_left_out(item) for item in plan.unused],
    }


def _left_out(item) -> dict:
    return {"line": item.line, "words": item.words, "reason": item.reason,
            "excerpt": item.excerpt}


def plan_to_json(plan: Plan) -> str:
    return json.dumps(plan_to_data(plan), indent=2, ensure_ascii=False) + "\n"


def format_plan(plan: Plan) -> str:
    """The plan as a marketer reads it: one section per email, then what was not used."""
    settings = plan.settings
    lines = [f"{settings.name}: {len(plan.emails)} emails from {settings.article}"
             f" ({plan.article.title or 'untitled'})", ""]
    for e in plan.emails:
        when = f"day {e.delay_days}" + (f", {e.send_date.isoformat()}" if e.send_date else "")
        lines += [
            f"{e.position}. {e.theme}  [{when}]{'  call to action' if e.is_cta else ''}",
            f"   subject:   {e.subject} ({len(e.subject)} chars)",
            f"   preheader: {e.preheader} ({len(e.preheader)} chars)",
            f"   words:     {e.words} (budget {settings.min_words}-{settings.max_words}),"
            f" {e.reading_minutes} min read, theme score {e.score:g}",
            "   from:      " + ("; ".join(e.source_headings) or "(no headings)"),
            "   lines:     " + ", ".join(f"{b.line}" if b.line else "settings"
                                         for b in e.blocks),
        ]
        for item in e.left_out:
            lines.append(f"   left out:  line {item.line} ({item.words} words): {item.reason}"
                         f" - {item.excerpt}")
        lines.append("")
    if plan.unused:
        lines.append("Not used in any email:")
        for item in plan.unused:
            lines.append(f"   line {item.line} ({item.words} words): {item.reason} - {item.excerpt}")
    return "\n".join(lines) + "\n"
