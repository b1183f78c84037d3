"""sequence/*: what only shows when the emails are read together."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from email.utils import parseaddr

from .compliance import footer_block
from .copy import similar
from .document import Campaign, Email, describe, normalise_space
from .links import strip_tracking
from .model import Hit, define, sequence_check
from .styles import Palette, first_color

DUP_SUBJECT = define("sequence/duplicate-subject", "warning",
                     "two emails have the same or nearly the same subject")
DUP_PREHEADER = define("sequence/duplicate-preheader", "warning",
                       "two emails have the same or nearly the same preheader")
REPEATED_PARAGRAPH = define("sequence/repeated-paragraph", "warning",
                            "the same paragraph appears in two emails")
FOOTER = define("sequence/footer", "warning", "the footer differs between emails")
SENDER = define("sequence/sender", "warning",
                "the sender is missing, invalid or not the same for every email")
CTA_URL = define("sequence/cta-url", "warning",
                 "call-to-action buttons point to different destinations")
READING = define("sequence/reading-budget", "warning",
                 "an email is over the campaign's word budget (max_words)")

NEAR_DUPLICATE = 0.85
PARAGRAPH_MIN_WORDS = 12
WORDS_PER_MINUTE = 230
CTA_CLASS = re.compile(r"\b(btn|button|cta)\b", re.I)


def _pairs(emails: list[Email], field: str) -> Iterable[tuple[Email, Email, float]]:
    for i, a in enumerate(emails):
        for b in emails[i + 1:]:
            x, y = getattr(a, field).strip(), getattr(b, field).strip()
            if x and y:
                score = similar(x, y)
                if score >= NEAR_DUPLICATE:
                    yield a, b, score


@sequence_check
def check_duplicates(campaign: Campaign) -> Iterable[Hit]:
    for field, rule in (("subject", DUP_SUBJECT), ("preheader", DUP_PREHEADER)):
        for a, b, score in _pairs(campaign.emails, field):
            same = "the same" if score >= 0.999 else f"nearly the same ({score:.0%} alike)"
            yield Hit(rule, f"emails {a.position} and {b.position} have {same} {field}: "
                      f'"{getattr(b, field)[:60]}"',
                      f"give each email its own {field}, saying what is new in it",
                      position=b.position, emails=(a.position, b.position),
                      data={"similarity": round(score, 2)})


def _key(text: str) -> str:
    return normalise_space(re.sub(r"[^\w\s]", " ", text)).lower()


@sequence_check
def check_repeated_paragraphs(campaign: Campaign) -> Iterable[Hit]:
    """A paragraph in every email is shared boilerplate (signature, footer) and fine."""
    where: dict[str, list[tuple[int, object, str]]] = {}
    for email in campaign.emails:
        if email.body is None:
            continue
        for el, text in email.paragraphs():
            if len(text.split()) < PARAGRAPH_MIN_WORDS:
                continue
            entries = where.setdefault(_key(text), [])
            if email.position not in [p for p, _, _ in entries]:
                entries.append((email.position, el, text))
    total = sum(1 for e in campaign.emails if e.body is not None)
    for _, entries in sorted(where.items(), key=lambda kv: kv[1][0][0]):
        if len(entries) < 2 or len(entries) == total:
            continue
        positions = tuple(p for p, _, _ in entries)
        position, el, text = entries[1]
        yield Hit(REPEATED_PARAGRAPH, f'emails {", ".join(map(str, positions))} repeat the '
                  f'paragraph "{text[:50]}…"', "keep each paragraph in one email (or in every "
                  "email, as shared boilerplate)", position=position, emails=positions,
                  element=describe(el), line=el.sourceline)


def footer_text(email: Email, campaign: Campaign) -> str | None:
    """The footer's visible text, URLs and numbers masked (they differ per email)."""
    block = footer_block(email, campaign)
    if block is None:
        return None
    runs = [r.text for r in email.visible_runs(Palette.LIGHT)
            if r.element is block or block in r.element.iterancestors()]
    text = normalise_space(" ".join(runs))
    text = re.sub(r"https?://\S+", "<url>", text)
    return re.sub(r"\d+", "0", text).lower()


@sequence_check
def check_footer(campaign: Campaign) -> Iterable[Hit]:
    footers = {e.position: f for e in campaign.emails
               if (f := footer_text(e, campaign)) is not None}
    if len(footers) < 2:
        return
    counts = Counter(footers.values())
    common, _ = max(counts.items(), key=lambda kv: (kv[1], -min(
        p for p, f in footers.items() if f == kv[0])))
    reference = min(p for p, f in footers.items() if f == common)
    for position, text in sorted(footers.items()):
        if text != common:
            extra = [w for w in dict.fromkeys(text.split()) if w not in common.split()][:6]
            lacks = [w for w in dict.fromkeys(common.split()) if w not in text.split()][:6]
            detail = "; ".join(part for part in (
                f"adds: {' '.join(extra)}" if extra else "",
                f"lacks: {' '.join(lacks)}" if lacks else "") if part)
            yield Hit(FOOTER, f"email {position}'s footer differs from email {reference}'s"
                      + (f" ({detail})" if detail else ""),
                      "use the same footer template for every email of the sequence",
                      position=position, emails=(position,),
                      data={"footer": text[:200], "expected": common[:200]})


@sequence_check
def check_sender(campaign: Campaign) -> Iterable[Hit]:
    sender = (campaign.manifest.get("campaign") or {}).get("sender") or {}
    address = (sender.get("email") or campaign.settings.sender.email or "").strip()
    fix = "set sender: {name: ..., email: ...} in campaign.yaml, a mailbox on your own domain"
    if not address:
        yield Hit(SENDER, "no sender address: the emails cannot be sent or exported as is",
                  fix)
    elif "@" not in parseaddr(address)[1]:
        yield Hit(SENDER, f"sender address {address!r} is not an email address", fix)
    per_email = {e.position: (e.entry.get("sender") or {}).get("email") or address
                 for e in campaign.emails}
    values = Counter(per_email.values())
    if len(values) > 1:
        main = values.most_common(1)[0][0]
        odd = tuple(p for p, v in sorted(per_email.items()) if v != main)
        which = f"email {odd[0]} is" if len(odd) == 1 else \
            f"emails {', '.join(map(str, odd))} are"
        yield Hit(SENDER, f"{which} sent from a different address than {main}",
                  "send the whole sequence from one sender",
                  position=odd[0], emails=odd, data={"senders": dict(sorted(per_email.items()))})


def _filled(email: Email, el) -> bool:
    decls = email.styles.declared(el, Palette.LIGHT)
    for prop in ("background-color", "background"):
        if prop in decls:
            color = first_color(decls[prop][0].tokens)
            if color is not None and color[3] > 0:
                return True
    return False


def cta_links(email: Email) -> list:
    """Anchors that look like buttons: a button class or role, or a filled background on the
    link or on a cell that holds only the link (the bulletproof-button pattern)."""
    out = []
    for a in email.elements("a"):
        href = (a.get("href") or "").strip()
        if not href.lower().startswith(("http://", "https://")) or not a.text_content().strip():
            continue
        parent = a.getparent()
        # Conditional comments (the VML button) sit next to the link: count elements only.
        sole_child = (parent is not None and parent.tag == "td"
                      and not (parent.text or "").strip()
                      and [c for c in parent if isinstance(c.tag, str)] == [a])
        if CTA_CLASS.search(a.get("class") or "") or a.get("role") == "button" \
                or _filled(email, a) or (sole_child and _filled(email, parent)):
            out.append(a)
    return out


@sequence_check
def check_cta(campaign: Campaign) -> Iterable[Hit]:
    destinations: dict[str, list[int]] = {}
    for email in campaign.emails:
        for a in cta_links(email):
            positions = destinations.setdefault(strip_tracking(a.get("href")), [])
            if email.position not in positions:
                positions.append(email.position)
    configured = campaign.settings.cta_url.strip()
    if configured:
        expected = strip_tracking(configured)
        odd = {url: p for url, p in destinations.items() if url != expected}
    elif len(destinations) > 1:
        expected = max(destinations, key=lambda u: (len(destinations[u]), u))
        odd = {url: p for url, p in destinations.items() if url != expected}
    else:
        odd = {}
    for url, positions in sorted(odd.items()):
        where = ", ".join(map(str, positions))
        yield Hit(CTA_URL, f"the button in email(s) {where} goes to {url[:70]}, not "
                  f"{expected[:70]}", "point every call-to-action at the same URL (cta_url in "
                  "campaign.yaml)", position=positions[0], emails=tuple(positions),
                  data={"url": url, "expected": expected})


def email_words(email: Email) -> int:
    words = email.entry.get("words")
    if isinstance(words, int):
        return words
    return len(email.visible_text.split()) if email.html else 0


def reading_minutes(email: Email) -> int:
    minutes = email.entry.get("reading_minutes")
    if isinstance(minutes, int):
        return minutes
    return max(1, -(-email_words(email) // WORDS_PER_MINUTE))


@sequence_check
def check_reading(campaign: Campaign) -> Iterable[Hit]:
    budget = campaign.settings.max_words
    for email in campaign.emails:
        words = email_words(email)
        if budget and words > budget:
            minutes = max(1, -(-words // WORDS_PER_MINUTE))
            yield Hit(READING, f"email {email.position} has {words} words of body, over the "
                      f"{budget}-word budget (~{minutes} min to read)",
                      "move material to another email or raise max_words in campaign.yaml",
                      position=email.position, emails=(email.position,),
                      data={"words": words, "max_words": budget})
