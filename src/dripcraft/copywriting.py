"""Subject lines and preheaders, derived from an email's own material."""

from __future__ import annotations

import re

from dripcraft.models import Block

SUBJECT_MAX = 60
PREHEADER_MIN = 40
PREHEADER_MAX = 110

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]*[A-Z0-9])")


def clean_heading(text: str) -> str:
    """A heading as a subject line: trimmed, first letter capitalised, no trailing colon."""
    text = " ".join(text.split()).strip(" :;,-–—")
    return text[:1].upper() + text[1:]


def fit(text: str, limit: int) -> str:
    """Cut at a word boundary so the result with its ellipsis is at most `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:–—-") + "…"


def subject_candidates(headings: list[str]) -> list[str]:
    """Subjects to try in order: each heading, or its label part when it is too long."""
    out = []
    for heading in headings:
        subject = clean_heading(heading)
        if len(subject) > SUBJECT_MAX and ":" in subject:
            subject = clean_heading(subject.split(":", 1)[0])
        if subject and len(subject) <= SUBJECT_MAX:
            out.append(subject)
    return out


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def repeats(preheader: str, subject: str) -> bool:
    """Does the preheader merely echo the subject?"""
    p, s = _norm(preheader), _norm(subject)
    return not p or not s or s in p or p in s or p[:30] == s[:30]


def preheader_from(blocks: list[Block], subject: str) -> str:
    """The opening sentences of the first paragraph that does not echo the subject."""
    for block in blocks:
        if block.kind not in ("paragraph", "quote"):
            continue
        text = ""
        for sentence in sentences(block.plain):
            text = f"{text} {sentence}".strip()
            if len(text) >= PREHEADER_MIN:
                break
        if len(text) < PREHEADER_MIN:
            continue
        text = fit(text, PREHEADER_MAX)
        if not repeats(text, subject):
            return text
    return ""


def fallback_preheader(theme: str, article_title: str) -> str:
    """Used when the material has no usable sentence (e.g. only lists)."""
    text = f"On {theme.lower()}: a few minutes from “{article_title}”" if article_title else \
        f"A few minutes on {theme.lower()}, and what to do next."
    if len(text) < PREHEADER_MIN:
        text = f"{text} Read on for the ideas and one thing to try."
    return fit(text, PREHEADER_MAX)
