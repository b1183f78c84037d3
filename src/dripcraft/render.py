"""Render a plan: each email through the HTML and text templates, CSS inlined.

Merge fields stay in their neutral form here; build, preview and the exporters fill them in.
"""

from __future__ import annotations

from pathlib import Path

from dripcraft import merge, templating
from dripcraft.inline import inline_css
from dripcraft.links import add_utm, utm_params
from dripcraft.markdown import escape, inline_html, inline_text
from dripcraft.models import Block, Plan, PlannedEmail, RenderedCampaign, RenderedEmail
from dripcraft.plaintext import underline, wrap

HTML_TEMPLATE = "email.html.j2"
TEXT_TEMPLATE = "email.txt.j2"
RTL_LANGS = ("ar", "he", "fa", "ur", "yi", "ps", "sd", "ug")
# Invisible characters after the preheader, so the inbox snippet does not run on into the
# body text (combining grapheme joiner, zero-width non-joiner, no-break space).
PREHEADER_FILLER = "\u034f\u200c\u00a0" * 50


def render_plan(plan: Plan, campaign_dir: Path) -> RenderedCampaign:
    env = templating.environment(campaign_dir, {"wrap": wrap, "underline": underline})
    sections = _sections(plan)
    rendered = []
    for email in plan.emails:
        context = _context(plan, email, sections)
        html = templating.render(env, HTML_TEMPLATE, context)
        text = templating.render(env, TEXT_TEMPLATE, context)
        rendered.append(RenderedEmail(email=email, html=inline_css(html), text=_tidy(text)))
    return RenderedCampaign(plan=plan, emails=rendered)


def _sections(plan: Plan) -> dict[tuple[int, str], str]:
    """The heading each article block sits under, keyed by (line, text)."""
    current = ""
    found: dict[tuple[int, str], str] = {}
    for block in plan.article.blocks:
        if block.kind == "heading":
            current = block.plain
        else:
            found[(block.line, block.text)] = current
    return found


def _context(plan: Plan, email: PlannedEmail, sections: dict[tuple[int, str], str]) -> dict:
    settings = plan.settings
    utm = utm_params(settings, email.position)

    def track(url: str) -> str:
        return add_utm(url, utm)

    def html_of(src: str) -> str:
        return inline_html(src, link=track, link_class="fg-link")

    def text_of(src: str) -> str:
        return inline_text(src, link=track)[0]

    items = []
    last_heading = email.subject
    for block in email.blocks:
        heading = sections.get((block.line, block.text), "")
        if (heading and heading not in (last_heading, email.subject)
                and block.kind not in ("quote", "cta")):
            items.append({"kind": "heading", "html": html_of(escape(heading)),
                          "text": heading})
        if heading and block.kind != "quote":
            last_heading = heading
        items.append(_item(block, html_of, text_of))

    position, total = email.position, len(plan.emails)
    following = plan.emails[position] if position < total else None
    article_url = settings.article_url or plan.article.url
    return {
        "lang": settings.lang or plan.article.lang or "en",
        "dir": "rtl" if (settings.lang or plan.article.lang or "en").split("-")[0] in RTL_LANGS
        else "ltr",
        "brand": settings.brand,
        "settings": settings,
        "article": {"title": plan.article.title, "url": track(article_url) if article_url else ""},
        "email": email,
        "position": position,
        "total": total,
        "items": items,
        "keep_reading": bool(email.keep_reading and article_url),
        "cta": {"label": email.cta_label, "url": track(email.cta_url)} if email.is_cta else None,
        "next": {"subject": following.subject,
                 "days": following.delay_days - email.delay_days} if following else None,
        "merge": merge.token,
        "preheader_filler": PREHEADER_FILLER,
        "signature": settings.signature,
        "reason": settings.reason or (
            f"You are receiving this because you signed up for emails from "
            f"{settings.brand.name or settings.sender.name or settings.name}."),
    }


def _item(block: Block, html_of, text_of) -> dict:
    item = {"kind": block.kind, "level": block.level,
            "html": html_of(block.text) if block.text else "",
            "text": text_of(block.text) if block.text else ""}
    if block.items:
        item["items"] = [{"html": html_of(i), "text": text_of(i)} for i in block.items]
    return item


def _tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"
