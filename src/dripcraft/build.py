"""The build: plan → rendered emails → dist/ (HTML, text, manifest.json), atomically."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dripcraft import __version__, merge
from dripcraft.fsutil import replace_dir
from dripcraft.models import RenderedCampaign
from dripcraft.plan import email_data, load_plan
from dripcraft.render import render_plan

DEFAULT_OUT = "dist"
MANIFEST = "manifest.json"


@dataclass
class BuildResult:
    out_dir: Path
    campaign: RenderedCampaign
    check_summary: str = ""


def render_campaign(campaign_dir: Path) -> RenderedCampaign:
    """Read, split and render in memory; merge fields stay neutral. Writes nothing."""
    campaign_dir = Path(campaign_dir)
    return render_plan(load_plan(campaign_dir), campaign_dir)


def build(campaign_dir: Path, out_dir: Path | None = None,
          progress: Callable[[str], None] | None = None) -> BuildResult:
    """Render every email and replace `out_dir` (default CAMPAIGN/dist) in one step."""
    campaign_dir = Path(campaign_dir)
    report = progress or (lambda message: None)
    report(f"Reading and splitting {campaign_dir}")
    campaign = render_campaign(campaign_dir)
    out = Path(out_dir) if out_dir else campaign_dir / DEFAULT_OUT
    with replace_dir(out) as staging:
        for rendered in campaign.emails:
            email = rendered.email
            report(f"Writing {email.html_name}")
            html = merge.fill(rendered.html, merge.sample_values(campaign.settings, email, html=True))
            text = merge.fill(rendered.text, merge.sample_values(campaign.settings, email, html=False))
            (staging / email.html_name).write_text(html, encoding="utf-8")
            (staging / email.text_name).write_text(text, encoding="utf-8")
        (staging / MANIFEST).write_text(manifest_json(campaign), encoding="utf-8")
    return BuildResult(out_dir=out, campaign=campaign, check_summary=_check_summary(out, campaign))


def manifest_json(campaign: RenderedCampaign) -> str:
    settings = campaign.settings
    data = {
        "generator": f"dripcraft {__version__}",
        "campaign": {
            "name": settings.name, "slug": settings.slug,
            "lang": settings.lang or campaign.plan.article.lang,
            "article_url": settings.article_url or campaign.plan.article.url,
            "sender": {"name": settings.sender.name, "email": settings.sender.email},
            "reply_to": settings.reply_to,
        },
        "emails": [{**email_data(r.email), "html": r.email.html_name, "text": r.email.text_name}
                   for r in campaign.emails],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _check_summary(out: Path, campaign: RenderedCampaign) -> str:
    try:
        from dripcraft.check import summarize
    except ImportError:  # the checker is optional for a build
        return ""
    return summarize(out, campaign.settings)
