"""Dividing articles into emails: the example campaign, the excerpt, and articles of other kinds."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ARTICLES, EXAMPLE, SEED_EXCERPT, write_campaign
from dripcraft.plan import load_plan, plan_to_data


def _email_with(plan, start: str):
    found = [e for e in plan.emails for b in e.blocks if b.plain.startswith(start)]
    assert len(found) == 1, f"{start!r} is in {len(found)} emails"
    return found[0]


@pytest.fixture(scope="module")
def example_plan():
    return load_plan(EXAMPLE)


def test_example_sequence_shape(example_plan):
    emails = example_plan.emails
    assert 4 <= len(emails) <= 5
    themes = [e.theme for e in emails]
    assert {"burnout", "values", "play"} <= set(themes)
    assert themes[-1] == "training" and emails[-1].is_cta
    assert not any(e.is_cta for e in emails[:-1])
    assert [e.delay_days for e in emails] == sorted(e.delay_days for e in emails)
    for email in emails:
        assert 180 <= email.words <= 420, (email.theme, email.words)


@pytest.mark.parametrize("start, theme", [
    ("Working relationally has been the single biggest buffer for me against burnout", "burnout"),
    ("We don’t pretend that therapy happens in a vacuum", "values"),
    ("One of the surprising pleasures of working relationally is that it makes space for play", "play"),
    ("Relational therapy training (with CEUs) fills this gap", "training"),
])
def test_passages_land_by_meaning(example_plan, start, theme):
    assert _email_with(example_plan, start).theme == theme


def test_no_paragraph_twice_and_no_boilerplate(example_plan):
    seen = [b.line for e in example_plan.emails for b in e.blocks]
    assert len(seen) == len(set(seen))
    boilerplate = {b.plain for b in example_plan.article.blocks if b.boilerplate}
    for email in example_plan.emails:
        for block in email.blocks:
            assert block.plain not in boilerplate
            assert "Kaitlin Kindman, LCSW" not in block.plain
            assert "GET HELP NOW" not in block.plain
            assert "Schedule a free 20-minute info session" not in block.plain
            assert "diverse L.A. counseling needs" not in block.plain


def test_order_inside_an_email_follows_the_article(example_plan):
    for email in example_plan.emails:
        content = [b.line for b in email.blocks if b.kind != "cta"]
        assert content == sorted(content)


def test_training_email_carries_the_articles_calls_to_action(example_plan):
    last = example_plan.emails[-1]
    ctas = [b.plain for b in last.blocks if b.kind == "cta"]
    assert len(ctas) == 2 and ctas[0].startswith("👉") and ctas[1].startswith("✨")
    assert last.cta_url.startswith("https://")


def test_subjects_and_preheaders(example_plan):
    subjects = [e.subject for e in example_plan.emails]
    assert len(set(subjects)) == len(subjects)
    for email in example_plan.emails:
        assert 0 < len(email.subject) <= 60
        assert 40 <= len(email.preheader) <= 110
        assert email.subject.lower() not in email.preheader.lower()


def test_over_budget_material_is_reported_and_linked(example_plan):
    burnout = next(e for e in example_plan.emails if e.theme == "burnout")
    assert burnout.left_out and burnout.keep_reading
    assert all("budget" in item.reason for item in burnout.left_out)
    data = plan_to_data(example_plan)
    reasons = {u["reason"] for u in data["unused"]}
    assert "boilerplate (bio)" in reasons and "boilerplate (footer)" in reasons


def test_excerpt_builds_a_campaign_with_a_training_email_from_settings(tmp_path: Path):
    folder = write_campaign(tmp_path / "excerpt", SEED_EXCERPT, [
        {"theme": "burnout", "keywords": ["burnout", "depleted", "sustainability"]},
        {"theme": "values", "keywords": ["values", "justice", "professionalism"], "delay_days": 3},
        {"theme": "play", "keywords": ["play", "celebration", "joy"], "delay_days": 7},
        {"theme": "training", "keywords": ["training"], "delay_days": 10},
    ], links={"cta": "https://example.org/training",
              "cta_text": "Our clinical training starts in March: join the next cohort."})
    plan = load_plan(folder)
    assert plan.article.title  # no title line: the first heading stands in
    last = plan.emails[-1]
    assert last.is_cta and last.cta_url == "https://example.org/training"
    assert [b.plain for b in last.blocks if b.kind == "cta"] == [
        "Our clinical training starts in March: join the next cohort."]
    assert _email_with(plan, "Working relationally has been the single biggest").theme == "burnout"
    assert _email_with(plan, "One of the surprising pleasures").theme == "play"


OTHER_ARTICLES = {
    "nonprofit-appeal.md": (
        [{"theme": "the reading gap", "keywords": ["reading gap", "below grade", "summer slide", "fall behind"]},
         {"theme": "your gift", "keywords": ["gift", "donation", "dollars", "donors"], "delay_days": 2},
         {"theme": "volunteers", "keywords": ["volunteer", "tutor", "mentor"], "delay_days": 5},
         {"theme": "give today", "keywords": ["raise", "summer", "matched"], "delay_days": 8}],
        {"One in three children in our county reads below grade level": "the reading gap",
         "Every donation goes straight to books": "your gift",
         "Our tutors are neighbours": "volunteers",
         "👉 Give today and double your impact": "give today"},
        ["registered charity", "All rights reserved"],
    ),
    "product-post.html": (
        [{"theme": "reminders", "keywords": ["reminder", "overdue", "paid sooner"]},
         {"theme": "bank sync", "keywords": ["bank", "reconcile", "sync"], "delay_days": 2},
         {"theme": "reports", "keywords": ["report", "accountant", "cash flow"], "delay_days": 4},
         {"theme": "upgrade", "keywords": ["pricing", "trial", "upgrade"], "delay_days": 6}],
        {"Ledgerly now sends polite payment reminders": "reminders",
         "Connect a bank account and Ledgerly matches": "bank sync",
         "The new reports page shows cash flow": "reports",
         "Ledgerly 3.0 is free for every existing customer": "upgrade",
         "➡️ Start your free trial today": "upgrade"},
        ["Privacy policy", "window.tracking"],
    ),
    "essay-no-headings.txt": (
        [{"theme": "patience", "keywords": ["patience", "patient", "waiting", "slow growth"]},
         {"theme": "failure", "keywords": ["failure", "failing", "failed", "slugs"], "delay_days": 3},
         {"theme": "neighbours", "keywords": ["neighbour", "neighbourhood", "share"], "delay_days": 6}],
        {"Patience was the first lesson": "patience",
         "Patience in the garden spilled over": "patience",
         "Failure came next": "failure",
         "I began to treat failure at work": "failure",
         "The neighbours were the surprise": "neighbours",
         "Now the neighbours bring me cuttings": "neighbours"},
        [],
    ),
}


@pytest.mark.parametrize("name", sorted(OTHER_ARTICLES))
def test_other_kinds_of_article_split_under_their_own_themes(tmp_path: Path, name: str):
    emails, landing, never = OTHER_ARTICLES[name]
    folder = write_campaign(tmp_path / "c", ARTICLES / name, emails, words={"min": 30, "max": 420},
                            links={"cta": "https://example.org/next",
                                   "cta_text": "Plant something this week and tell us how it goes."})
    plan = load_plan(folder)
    assert [e.theme for e in plan.emails] == [e["theme"] for e in emails]
    for start, theme in landing.items():
        assert _email_with(plan, start).theme == theme
    text = " ".join(b.plain for e in plan.emails for b in e.blocks)
    for phrase in never:
        assert phrase not in text
    lines = [b.line for e in plan.emails for b in e.blocks if b.line]
    assert len(lines) == len(set(lines))
    for email in plan.emails:
        assert email.words >= 30 and 40 <= len(email.preheader) <= 110 and len(email.subject) <= 60


def test_propose_themes_without_names_uses_the_articles_own_structure(tmp_path: Path, invoke):
    result = invoke("init", tmp_path / "c", "--article", ARTICLES / "product-post.html")
    assert result.exit_code == 0, result.output
    import yaml

    settings = yaml.safe_load((tmp_path / "c" / "campaign.yaml").read_text())
    emails = settings["emails"]
    # One theme per main section, in article order, each named after a word of its heading,
    # then one for the call-to-action line.
    assert [e["theme"] for e in emails] == ["reminders", "bank", "accountant", "pricing",
                                            "reminder"]
    assert all(e["theme"] == e["keywords"][0] and len(e["keywords"]) >= 2 for e in emails)
    assert {"sync", "reconciles"} <= set(emails[1]["keywords"])
    assert [e["delay_days"] for e in emails] == [0, 3, 7, 10, 14]
