"""Divide an article into the campaign's emails, theme by theme.

Each paragraph (or list, or pull quote) is scored against every theme: keyword hits in its
own text, plus a strong bonus for hits in the heading of the section it sits in. It goes to
the email of its best theme, at most once. An email over its word budget keeps its most
on-theme material and links "keep reading" to the article; an email under budget borrows the
unused material that fits its theme best. Order inside an email is the article's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from dripcraft import copywriting
from dripcraft.errors import ConfigError
from dripcraft.markdown import escape, make_block
from dripcraft.models import Article, Block, EmailSpec, LeftOut, Plan, PlannedEmail, Settings
from dripcraft.scoring import Theme

HEADING_WEIGHT = 3.0
PARENT_HEADING_WEIGHT = 1.5
MIN_SCORE = 1.0
CONTENT_KINDS = ("paragraph", "list", "quote")


@dataclass
class _Piece:
    """A block that can go into an email, with what it knows about its surroundings."""

    index: int
    block: Block
    headings: list[str]
    section: int            # index of its heading (-1: none; a quote: its own group)
    body: list[float]       # keyword hits in its own text, per theme
    context: list[float]    # bonus from its section's headings, per theme
    email: int | None = None

    @property
    def scores(self) -> list[float]:
        return [b + c for b, c in zip(self.body, self.context)]

    @property
    def words(self) -> int:
        return self.block.words

    def best(self) -> int:
        top = max(self.scores)
        return self.scores.index(top)


@dataclass
class _Slot:
    spec: EmailSpec
    theme: Theme
    pieces: list[_Piece] = field(default_factory=list)
    dropped: list[_Piece] = field(default_factory=list)
    extra_words: int = 0
    subject: str = ""

    @property
    def words(self) -> int:
        return sum(p.words for p in self.pieces) + self.extra_words


def split(article: Article, settings: Settings) -> Plan:
    """Assign the article's material to the configured emails."""
    themes = [Theme(spec.theme, tuple(spec.keywords)) for spec in settings.emails]
    slots = [_Slot(spec, theme) for spec, theme in zip(settings.emails, themes)]
    pieces, ctas, unused = _pieces(article, themes)
    cta_slot = next(i for i, s in enumerate(slots) if s.spec.cta)
    slots[cta_slot].extra_words = sum(b.words for b in ctas)

    for piece in pieces:
        best = piece.best()
        if piece.scores[best] >= MIN_SCORE:
            piece.email = best
            slots[best].pieces.append(piece)
    for number, slot in enumerate(slots):
        _trim(number, slot, settings.max_words)
    for number, slot in enumerate(slots):
        _fill(number, slot, slots, pieces, settings)
    for slot in slots:
        slot.pieces.sort(key=lambda p: p.index)

    emails = [_email(n, slot, slots, settings, article, ctas if n == cta_slot else [])
              for n, slot in enumerate(slots)]
    # Everything that scored for some theme is now in an email or in its `left_out` list.
    dropped = {p.index for s in slots for p in s.dropped}
    for piece in pieces:
        if piece.email is None and piece.index not in dropped:
            unused.append(_left_out(piece, "matches no theme's keywords"))
    unused.sort(key=lambda item: item.line)
    return Plan(settings=settings, article=article, emails=emails, unused=unused)


def _pieces(article: Article, themes: list[Theme]) -> tuple[list[_Piece], list[Block], list[LeftOut]]:
    pieces: list[_Piece] = []
    ctas: list[Block] = []
    unused: list[LeftOut] = []
    section: Block | None = None
    section_at = -1
    parent: Block | None = None
    for index, block in enumerate(article.blocks):
        if block.boilerplate:
            if block.kind != "heading":
                unused.append(LeftOut(block.line, block.words, f"boilerplate ({block.boilerplate})",
                                      _excerpt(block)))
            continue
        if block.kind == "heading":
            if block.level <= 2 or section is None:
                parent = None
            elif section.level < block.level:
                parent = section
            section, section_at = block, index
            continue
        if block.kind == "cta":
            ctas.append(block)
            continue
        if block.kind not in CONTENT_KINDS:
            continue
        body = [float(theme.hits(block.plain)) for theme in themes]
        context = [0.0] * len(themes)
        # A pull quote is placed by what it says, not by where the page put it.
        if block.kind != "quote":
            for t, theme in enumerate(themes):
                if section is not None:
                    context[t] += HEADING_WEIGHT * theme.distinct_hits(section.plain)
                if parent is not None:
                    context[t] += PARENT_HEADING_WEIGHT * theme.distinct_hits(parent.plain)
        if block.kind == "quote":
            # A quote is its own group when an email is trimmed: negative, unlike heading indexes.
            headings, group = [], -2 - index
        else:
            headings, group = [h.plain for h in (parent, section) if h is not None], section_at
        pieces.append(_Piece(index, block, headings, group, body, context))
    return pieces, ctas, unused


def _rank(piece: _Piece, theme_index: int) -> tuple[float, int]:
    return (-piece.scores[theme_index], piece.index)


def _trim(number: int, slot: _Slot, max_words: int) -> None:
    """Keep the most on-theme sections that fit; the rest is linked, not sent.

    Whole sections read better than paragraphs picked from all over the article, so sections
    are ranked (heading match plus keyword hits) and kept whole while they fit; a section
    that does not fit contributes its opening paragraphs, never a middle one.
    """
    if slot.words <= max_words:
        return
    sections: dict[int, list[_Piece]] = {}
    for piece in slot.pieces:
        sections.setdefault(piece.section, []).append(piece)

    def relevance(group: list[_Piece]) -> tuple[bool, float, int]:
        # Pull quotes are garnish: they go in after the sections, if there is room.
        is_quote = group[0].block.kind == "quote"
        hits = sum(p.body[number] for p in group)
        return (is_quote, -(group[0].context[number] + hits), group[0].index)

    kept: list[_Piece] = []
    budget = max_words - slot.extra_words
    for group in sorted(sections.values(), key=relevance):
        for piece in sorted(group, key=lambda p: p.index):
            if piece.words > budget:
                break
            kept.append(piece)
            budget -= piece.words
    for piece in slot.pieces:
        if piece not in kept:
            piece.email = None
            slot.dropped.append(piece)
    slot.pieces = kept


def _fill(number: int, slot: _Slot, slots: list[_Slot], pieces: list[_Piece],
          settings: Settings) -> None:
    """Bring an email up to its minimum with the free material that best fits its theme."""
    if slot.words >= settings.min_words:
        return
    free = [p for p in pieces if p.email is None and p.scores[number] > 0]
    for piece in sorted(free, key=lambda p: _rank(p, number)):
        if slot.words >= settings.min_words:
            break
        if slot.words + piece.words <= settings.max_words:
            for other in slots:
                if piece in other.dropped:
                    other.dropped.remove(piece)
            piece.email = number
            slot.pieces.append(piece)
    if slot.words >= settings.min_words:
        return
    # Still short: borrow on-theme material from emails that can spare it.
    for piece in sorted((p for p in pieces if p.email not in (None, number)
                         and p.scores[number] > 0), key=lambda p: _rank(p, number)):
        donor = slots[piece.email]
        if (donor.words - piece.words >= settings.min_words
                and slot.words + piece.words <= settings.max_words):
            donor.pieces.remove(piece)
            piece.email = number
            slot.pieces.append(piece)
            if slot.words >= settings.min_words:
                return


def _email(number: int, slot: _Slot, slots: list[_Slot], settings: Settings, article: Article,
           ctas: list[Block]) -> PlannedEmail:
    spec = slot.spec
    blocks = [p.block for p in slot.pieces]
    is_cta = spec.cta
    cta_url = spec.cta_url or settings.cta_url
    if is_cta:
        if not ctas:
            pitch = spec.cta_text or settings.cta_text
            if pitch:
                ctas = [make_block("cta", escape(pitch), 0)]
        blocks = blocks + ctas
        if not cta_url:
            raise ConfigError(f"'emails -> {number + 1}' carries the call to action but no URL is set",
                              path=settings.path, hint="add `links: {cta: https://...}`")
    headings: list[str] = []
    for piece in slot.pieces:
        for heading in piece.headings:
            if heading not in headings:
                headings.append(heading)
    score = sum(p.scores[number] for p in slot.pieces)
    slot.subject = spec.subject or _subject(number, slot, slots, headings, article)
    subject = slot.subject
    preheader = spec.preheader or copywriting.preheader_from(blocks, subject) or \
        copywriting.fallback_preheader(spec.theme, article.title)
    send_date = settings.start_date + timedelta(days=spec.delay_days) if settings.start_date else None
    left_out = [_left_out(p, f"over the {settings.max_words}-word budget; linked as 'keep reading'")
                for p in sorted(slot.dropped, key=lambda p: p.index)]
    return PlannedEmail(
        position=number + 1, slug=spec.slug, theme=spec.theme, keywords=list(spec.keywords),
        subject=subject, preheader=preheader, delay_days=spec.delay_days, send_date=send_date,
        blocks=blocks, source_headings=headings, score=round(score, 1), is_cta=is_cta,
        cta_label=spec.cta_label or settings.cta_label, cta_url=cta_url if is_cta else "",
        keep_reading=bool(slot.dropped) and bool(settings.article_url or article.url),
        left_out=left_out,
    )


def _subject(number: int, slot: _Slot, slots: list[_Slot], headings: list[str],
             article: Article) -> str:
    """The most on-theme heading of the email that no earlier email uses as its subject."""
    taken = {s.subject for s in slots[:number]}
    ranked = sorted(headings, key=lambda h: (-slot.theme.distinct_hits(h), headings.index(h)))
    for candidate in copywriting.subject_candidates(ranked):
        if candidate not in taken:
            return candidate
    theme = copywriting.clean_heading(slot.spec.theme)
    return copywriting.fit(f"{theme}: {article.title}" if article.title else theme,
                           copywriting.SUBJECT_MAX)


def _left_out(piece: _Piece, reason: str) -> LeftOut:
    return LeftOut(piece.block.line, piece.words, reason, _excerpt(piece.block))


def _excerpt(block: Block) -> str:
    return copywriting.fit(block.plain, 70)


