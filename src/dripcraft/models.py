"""The data that flows through the pipeline: read → split → render → write/export/check.

Every stage takes and returns these dataclasses; none of them does I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

WORDS_PER_MINUTE = 230

# --- the article --------------------------------------------------------------------------

@dataclass(frozen=True)
class Block:
    """One unit of the article: a heading, paragraph, quote, list or cta (call-to-action line).

    `text` is inline Markdown on one line (for a list: its intro, and `items` its entries);
    `plain` is what a reader sees of all of it, used for scoring and word counts.
    """

    kind: str
    text: str
    line: int
    plain: str = ""
    level: int = 0
    items: tuple[str, ...] = ()
    # Why the block is set aside as boilerplate ("bio", "footer", ...), or "" for article text.
    boilerplate: str = ""

    @property
    def words(self) -> int:
        return len(self.plain.split())


@dataclass
class Article:
    """An article as read from .md, .txt or .html: front matter plus a flat list of blocks."""

    path: Path
    title: str
    blocks: list[Block]
    author: str = ""
    url: str = ""
    date: str = ""
    lang: str = "en"

    @property
    def body_blocks(self) -> list[Block]:
        return [b for b in self.blocks if not b.boilerplate]


# --- the campaign settings ----------------------------------------------------------------


@dataclass
class Brand:
    name: str = ""
    logo: str = ""
    logo_alt: str = ""
    primary: str = "#1f5f5b"
    text: str = "#1f2328"
    background: str = "#f4f1ec"
    surface: str = "#ffffff"
    muted: str = "#57606a"
    dark_primary: str = "#7fd1c7"
    dark_text: str = "#e6edf3"
    dark_background: str = "#0d1117"
    dark_surface: str = "#161b22"
    dark_muted: str = "#b1bac4"


@dataclass
class Person:
    name: str = ""
    email: str = ""


@dataclass
class EmailSpec:
    """One email of the sequence as configured in campaign.yaml."""

    theme: str
    keywords: list[str] = field(default_factory=list)
    delay_days: int = 0
    slug: str = ""
    subject: str = ""
    preheader: str = ""
    cta: bool = False
    cta_label: str = ""
    cta_url: str = ""
    cta_text: str = ""


@dataclass
class Settings:
    """A campaign's settings, loaded from campaign.yaml with every default filled in."""

    path: Path
    name: str
    slug: str
    article: str = "article.md"
    lang: str = ""
    brand: Brand = field(default_factory=Brand)
    sender: Person = field(default_factory=Person)
    reply_to: str = ""
    postal_address: str = ""
    article_url: str = ""
    cta_url: str = ""
    cta_label: str = ""
    cta_text: str = ""
    unsubscribe_mailto: str = ""
    unsubscribe_url: str = ""
    web_version_url: str = ""
    utm_source: str = "newsletter"
    utm_medium: str = "email"
    utm_campaign: str = ""
    start_date: date | None = None
    min_words: int = 180
    max_words: int = 420
    first_name_fallback: str = "there"
    sample_first_name: str = "Alex"
    signature: str = ""
    reason: str = ""
    emails: list[EmailSpec] = field(default_factory=list)
    checks: dict[str, str] = field(default_factory=dict)

    @property
    def campaign_dir(self) -> Path:
        return self.path.parent


# --- the sequence ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LeftOut:
    """A block that did not make it into an email, and why."""

    line: int
    words: int
    reason: str
    excerpt: str


@dataclass
class PlannedEmail:
    """One email after splitting: its material in article order, plus the copy around it."""

    position: int
    slug: str
    theme: str
    keywords: list[str]
    subject: str
    preheader: str
    delay_days: int
    send_date: date | None
    blocks: list[Block]
    source_headings: list[str]
    score: float
    is_cta: bool = False
    cta_label: str = ""
    cta_url: str = ""
    keep_reading: bool = False
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def words(self) -> int:
        return sum(b.words for b in self.blocks)

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))

    @property
    def html_name(self) -> str:
        return f"{self.position:02d}-{self.slug}.html"

    @property
    def text_name(self) -> str:
        return f"{self.position:02d}-{self.slug}.txt"


@dataclass
class Plan:
    """The whole sequence: which material goes where, and what was left out."""

    settings: Settings
    article: Article
    emails: list[PlannedEmail]
    unused: list[LeftOut] = field(default_factory=list)


@dataclass
class RenderedEmail:
    """An email rendered to HTML and plain text, merge fields still in their neutral form.

    Use `dripcraft.merge.fill` to turn the neutral tokens into sample values (build, preview)
    or into a platform's own tags (export).
    """

    email: PlannedEmail
    html: str
    text: str


@dataclass
class RenderedCampaign:
    plan: Plan
    emails: list[RenderedEmail]

    @property
    def settings(self) -> Settings:
        return self.plan.settings
