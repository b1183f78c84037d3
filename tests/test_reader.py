"""Reading articles: plain-text structure detection on the real seeds, Markdown and HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ARTICLES, SEED_EXCERPT, SEED_FULL
from dripcraft.reader import read_article
from dripcraft.scaffold import to_markdown


@pytest.fixture(scope="module")
def seed():
    return read_article(SEED_FULL)


def _kinds(article, kind):
    return [b.plain for b in article.blocks if b.kind == kind and not b.boilerplate]


def test_seed_title_and_every_heading(seed):
    assert seed.title == "On How Practicing Relational Therapy Helps Therapists"
    headings = _kinds(seed, "heading")
    for expected in (
        "What Is Relational Therapy?",
        "how relational therapy prevents therapist burnout",
        "Relational Therapy in Practice: What It Means for Clinicians",
        "Reducing Therapist Burnout and Compassion Fatigue",
        "Making Room for Play and Celebration",
        "Skills You’ll Gain in Relational Training",
        "Final Thoughts: Relational Therapy as a Lifeline for Therapists",
        "Burnout in the Mental Health Field",
    ):
        assert expected in headings
    # Sentences that merely end in "!" or "?!" are prose, not headings.
    assert "Well, I’m so glad you asked!" not in headings
    assert len(headings) == 20


def test_seed_pull_quotes_and_calls_to_action(seed):
    quotes = _kinds(seed, "quote")
    assert len(quotes) == 2
    assert quotes[0].startswith("“Working relationally means I don’t have to be a perfect")
    assert quotes[1].startswith("“Relational therapy reminds us that authenticity")
    ctas = _kinds(seed, "cta")
    assert [c[:2] for c in ctas] == ["👉 ", "✨ "]
    assert "Curious to learn more?" in ctas[0] and "Join us for relational" in ctas[1]


def test_seed_boilerplate_is_recognised(seed):
    roles = {b.plain[:30]: b.boilerplate for b in seed.blocks if b.boilerplate}
    assert roles["Featured therapist author:"] == "bio"
    assert any(k.startswith("Kaitlin Kindman, LCSW") and v == "bio" for k, v in roles.items())
    assert roles["GET HELP NOW"] == "footer"
    assert roles["THERAPY AT KINDMAN & CO."] == "footer"
    steps = next(b for b in seed.blocks if b.kind == "list")
    assert steps.boilerplate == "footer" and len(steps.items) == 3
    assert steps.items[0].startswith("Schedule a free 20-minute info session")
    # Nothing after the bio is article text.
    bio_at = next(i for i, b in enumerate(seed.blocks) if b.boilerplate == "bio")
    assert all(b.boilerplate for b in seed.blocks[bio_at:])
    assert not any(b.boilerplate for b in seed.blocks[:bio_at])


def test_excerpt_has_no_title_and_no_call_to_action():
    excerpt = read_article(SEED_EXCERPT)
    assert excerpt.blocks[0].kind == "paragraph"
    assert excerpt.blocks[0].plain.startswith("Working relationally has been")
    assert not _kinds(excerpt, "cta")
    assert "Making Room for Play and Celebration" in _kinds(excerpt, "heading")


def test_markdown_written_by_init_reads_back_the_same(seed, tmp_path: Path):
    path = tmp_path / "article.md"
    path.write_text(to_markdown(seed), encoding="utf-8")
    again = read_article(path)
    assert again.title == seed.title
    strip = lambda a: [(b.kind, b.plain, b.boilerplate, b.items) for b in a.blocks]  # noqa: E731
    assert strip(again) == strip(seed)


def test_markdown_text_that_looks_like_markup_stays_text(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: T\n---\n\nUse *|UNSUB|* and {{ 7*7 }} and <b>x</b> \ue000first_name\ue001.\n",
                    encoding="utf-8")
    block = read_article(path).blocks[0]
    # Markdown's own emphasis applies; raw HTML is shown as text, never rendered.
    assert block.plain == "Use |UNSUB| and {{ 7*7 }} and <b>x</b> first_name."
    assert "\ue000" not in block.text and "\ue001" not in block.text


def test_plain_text_keeps_markdown_characters_literal(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text("Intro line that is long enough to be a paragraph, with *|UNSUB|* and a_b.\n"
                    "Second paragraph here, also quite long so it is prose not a heading.\n"
                    "Third one closes the text, again long enough to be a paragraph.\n",
                    encoding="utf-8")
    article = read_article(path)
    assert "*|UNSUB|*" in article.blocks[0].plain and "a_b" in article.blocks[0].plain


def test_saved_html_page_is_sanitised_and_structured():
    article = read_article(ARTICLES / "product-post.html")
    assert article.title == "Launching Ledgerly 3.0: invoices that chase themselves"
    assert article.author == "Priya Raman" and article.lang == "en-US"
    assert article.url == "https://ledgerly.example.com/blog/ledgerly-3"
    text = " ".join(b.plain for b in article.blocks)
    assert "window.tracking" not in text and "font-family" not in text
    assert "Home" not in text.split()  # navigation is page chrome
    assert [b.plain for b in article.blocks if b.kind == "heading"] == [
        "Automatic payment reminders", "Bank sync that reconciles itself",
        "Reports your accountant will like", "Pricing and upgrade"]
    assert any(b.kind == "quote" for b in article.blocks)
    assert any(b.kind == "cta" and b.plain.startswith("➡️ Start your free trial") for b in article.blocks)
    assert any(b.kind == "list" and len(b.items) == 3 for b in article.blocks)
    link = next(b for b in article.blocks if "pricing page" in b.plain)
    assert "(<https://ledgerly.example.com/pricing>)" in link.text
    assert "© 2026" not in text  # the page's <footer> is chrome, dropped before reading


def test_hard_wrapped_plain_text_is_rejoined(tmp_path: Path):
    para = ("This paragraph was wrapped at a fixed width by an email client, so each of\n"
            "its lines ends early and the reader has to join them back into one\n"
            "paragraph before it can score or render it.\n")
    path = tmp_path / "wrapped.txt"
    path.write_text("A Wrapped Title\n\n" + para + "\n" + para + "\nShort heading\n\n" + para,
                    encoding="utf-8")
    article = read_article(path)
    assert article.title == "A Wrapped Title"
    assert [b.kind for b in article.blocks] == ["paragraph", "paragraph", "heading", "paragraph"]
    assert article.blocks[0].plain.endswith("render it.")
