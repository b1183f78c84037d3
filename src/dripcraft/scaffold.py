"""`dripcraft init`: an article in any supported format → a campaign folder.

Writes the article as clean Markdown with front matter (boilerplate fenced off with
`<!-- dripcraft:boilerplate KIND -->` markers) and a commented campaign.yaml whose emails,
keywords and delays come from the given theme names or are proposed from the article.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from dripcraft.errors import ConfigError
from dripcraft.fsutil import write_atomic
from dripcraft.models import Article, Block, Brand
from dripcraft.reader import read_article
from dripcraft.settings import EMAIL_OPTIONS, OPTIONS, SETTINGS_FILE, slugify

ARTICLE_FILE = "article.md"
DEFAULT_DELAYS = (0, 3, 7, 10, 14, 21, 28, 35)
MAX_PROPOSED = 4
KEYWORDS_PER_THEME = 6

# Function words and words that say nothing about a topic; used only to pick keywords.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing don down during each even ever
every few for from further get gets getting got had has have having he her here hers herself
him himself his how i if in into is it its itself just like made make makes making many may
me might more most much must my myself need never new no nor not now of off often on once
one only or other our ours ourselves out over own really same she should so some still such
than that the their theirs them themselves then there these they this those through to too
under until up upon us very was way we well were what when where which while who whom why
will with within without would yet you your yours yourself yourselves it's i'm you're don't
we're they're that's there's what's isn't aren't can't won't doesn't didn't let's
thing things lot lots something anything everything someone anyone everyone really actually
okay course says said know knows knowing recently matters means mean first last next
two three four five six seven eight nine ten hundred thousand today tomorrow week weeks
minute minutes hour hours day days year years time times
""".split())


@dataclass
class InitResult:
    article_path: Path
    settings_path: Path
    themes: list[tuple[str, list[str]]]


def init_campaign(campaign_dir: Path, source: Path, theme_names: list[str] | None, *,
                  force: bool = False) -> InitResult:
    campaign_dir = Path(campaign_dir)
    article = read_article(Path(source))
    settings_path = campaign_dir / SETTINGS_FILE
    article_path = campaign_dir / ARTICLE_FILE
    for existing in (settings_path, article_path):
        if existing.exists() and not force:
            raise ConfigError("already exists", path=existing,
                              hint="pass --force to overwrite it, or pick another folder")
    themes = themes_for(article, theme_names) if theme_names else propose_themes(article)
    write_atomic(article_path, to_markdown(article))
    write_atomic(settings_path, campaign_yaml(campaign_dir, article, themes))
    return InitResult(article_path, settings_path, themes)


# --- Markdown --------------------------------------------------------------------------------


def to_markdown(article: Article) -> str:
    meta = {key: value for key, value in (("title", article.title), ("author", article.author),
                                          ("url", article.url), ("date", article.date),
                                          ("lang", article.lang)) if value}
    parts = ["---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---"]
    role = ""
    for block in article.blocks:
        if block.boilerplate != role:
            parts.append(f"<!-- dripcraft:boilerplate {block.boilerplate} -->" if block.boilerplate
                         else "<!-- dripcraft:article -->")
            role = block.boilerplate
        parts.append(_block_markdown(block))
    return "\n\n".join(parts) + "\n"


def _block_markdown(block: Block) -> str:
    if block.kind == "heading":
        return "#" * max(2, block.level) + " " + block.text
    if block.kind == "quote":
        return "> " + block.text
    if block.kind == "list":
        marker = (lambda n: f"{n}.") if block.level else (lambda n: "-")
        items = "\n".join(f"{marker(n)} {item}" for n, item in enumerate(block.items, start=1))
        return f"{block.text}\n\n{items}" if block.text else items
    return block.text


# --- themes ----------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    # Contractions and short words never make good keywords.
    return [w for w in re.findall(r"[a-z][a-z-]+(?:'[a-z]+)?", text.lower().replace("’", "'"))
            if w not in STOPWORDS and len(w) > 3 and "'" not in w]


def _sections(article: Article) -> list[tuple[str, str]]:
    """(heading, text) for each stretch of article text under one heading."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for block in article.body_blocks:
        if block.kind == "heading":
            sections.append((block.plain, []))
        else:
            sections[-1][1].append(block.plain)
    return [(h, " ".join(t)) for h, t in sections if t]


def _idf(sections: list[tuple[str, str]]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for heading, text in sections:
        df.update(set(_words(heading + " " + text)))
    n = len(sections)
    return {word: math.log((n + 1) / (count + 0.5)) for word, count in df.items()}


def _salient(text: str, idf: dict[str, float], exclude: set[str], limit: int) -> list[str]:
    counts = Counter(_words(text))
    ranked = sorted(counts, key=lambda w: (-counts[w] * idf.get(w, 0.0), w))
    out = []
    for word in ranked:
        if word in exclude or idf.get(word, 0.0) <= 0.3:
            continue
        if any(word.startswith(o[:5]) or o.startswith(word[:5]) for o in out):
            continue
        out.append(word)
        if len(out) == limit:
            break
    return out


def themes_for(article: Article, names: list[str]) -> list[tuple[str, list[str]]]:
    """Keywords for named themes: the name, plus the telling words of sections about it."""
    sections = _sections(article)
    idf = _idf(sections)
    themes = []
    for name in names:
        stem = name.lower()[:5]
        related = " ".join(f"{h} {h} {t}" for h, t in sections if stem in h.lower())
        if not related:
            related = " ".join(t for _, t in sections if stem in t.lower())
        extra = _salient(related, idf, set(_words(name)) | set(STOPWORDS), KEYWORDS_PER_THEME - 1)
        themes.append((name, [name.lower(), *extra]))
    return themes


def propose_themes(article: Article) -> list[tuple[str, list[str]]]:
    """Themes from the article's own structure: its most distinctive section topics, in order,
    and a closing call-to-action theme when the article has call-to-action lines."""
    sections = _sections(article)
    idf = _idf(sections)
    candidates: list[tuple[int, str, list[str]]] = []
    used: set[str] = set()
    frequency = Counter(_words(" ".join(f"{h} {t}" for h, t in sections)))
    ranked = sorted(range(len(sections)), key=lambda i: -len(sections[i][1].split()))
    for index in ranked:
        heading, text = sections[index]
        words = _salient(f"{heading} {heading} {heading} {text}", idf, used, KEYWORDS_PER_THEME)
        if not words:
            continue
        used.update(words)
        # Name the theme after the word of its heading that the whole article uses most:
        # the topic, rather than a verb that happens to be rare.
        in_heading = sorted((w for w in words if w in _words(heading)),
                            key=lambda w: (-frequency[w] * idf.get(w, 0.0), w))
        name = in_heading[0] if in_heading else words[0]
        candidates.append((index, name, [name] + [w for w in words if w != name]))
        if len(candidates) == MAX_PROPOSED:
            break
    themes = [(name, words) for _, name, words in sorted(candidates)]
    ctas = " ".join(b.plain for b in article.body_blocks if b.kind == "cta")
    if ctas:
        words = _salient(ctas, idf, used, KEYWORDS_PER_THEME) or ["next step"]
        themes.append((words[0], words))
    return themes or [("article", _salient(" ".join(t for _, t in sections), idf, set(), 6))]


# --- campaign.yaml ---------------------------------------------------------------------------


def campaign_yaml(campaign_dir: Path, article: Article, themes: list[tuple[str, list[str]]]) -> str:
    """A commented campaign.yaml: every setting with its one-line doc."""
    slug = slugify(campaign_dir.resolve().name) or "campaign"
    docs = {o.key: o.doc for o in OPTIONS}
    q = _quote
    lines = [
        "# dripcraft campaign settings. Every key is optional unless marked; `dripcraft plan`",
        "# shows how the article is divided with these settings.",
        f"name: {q(article.title or slug)}  # {docs['name']}",
        f"slug: {slug}  # {docs['slug']}",
        f"article: {ARTICLE_FILE}  # {docs['article']}",
        f"lang: {q(article.lang)}  # {docs['lang']}",
        "",
        "brand:",
        f"  name: ''  # {docs['brand.name']}",
        f"  logo: ''  # {docs['brand.logo']}",
        "  colors:  # light palette, then the authored dark palette; keep WCAG AA contrast",
    ]
    defaults = Brand()
    for option in OPTIONS:
        if option.key.startswith("brand.colors."):
            name = option.key.rsplit(".", 1)[1]
            lines.append(f"    {name}: '{getattr(defaults, name)}'")
    lines += [
        "",
        "sender:",
        f"  name: ''  # {docs['sender.name']}",
        f"  email: ''  # {docs['sender.email']}",
        f"reply_to: ''  # {docs['reply_to']}",
        f"postal_address: ''  # {docs['postal_address']}",
        "",
        "links:",
        f"  article: {q(article.url)}  # {docs['links.article']}",
        f"  cta: ''  # {docs['links.cta']} (required)",
        f"  cta_label: ''  # {docs['links.cta_label']} Name the destination, not 'learn more'.",
        f"  cta_text: ''  # {docs['links.cta_text']}",
        f"  unsubscribe_mailto: ''  # {docs['links.unsubscribe_mailto']}",
        "",
        "utm:",
        f"  source: newsletter  # {docs['utm.source']}",
        f"  medium: email  # {docs['utm.medium']}",
        "",
        "schedule:",
        f"  start_date:  # {docs['schedule.start_date']}",
        "",
        "words:",
        f"  min: 180  # {docs['words.min']}",
        f"  max: 420  # {docs['words.max']}",
        "",
        "personalisation:",
        f"  first_name_fallback: there  # {docs['personalisation.first_name_fallback']}",
        f"  sample_first_name: Alex  # {docs['personalisation.sample_first_name']}",
        "",
        f"# {docs['emails']} Keys of each email:",
        *(f"#   {o.key}: {o.doc}" for o in EMAIL_OPTIONS),
        "emails:",
    ]
    for number, (name, keywords) in enumerate(themes):
        delay = DEFAULT_DELAYS[min(number, len(DEFAULT_DELAYS) - 1)]
        if number >= len(DEFAULT_DELAYS):
            delay = DEFAULT_DELAYS[-1] + 7 * (number - len(DEFAULT_DELAYS) + 1)
        lines += [f"  - theme: {q(name)}",
                  "    keywords: [" + ", ".join(q(k) for k in keywords) + "]",
                  f"    delay_days: {delay}"]
    lines += ["", f"# {docs['checks']}", "checks: {}", ""]
    return "\n".join(lines)


def _quote(value: str) -> str:
    """A YAML scalar that reads back as the same string."""
    if value and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._/-]*", value) and value.lower() not in (
            "yes", "no", "true", "false", "null", "on", "off"):
        return value
    return "'" + value.replace("'", "''") + "'"
