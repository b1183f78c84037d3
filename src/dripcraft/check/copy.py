"""copy/*: subject line, preheader and spam-style copy."""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from .document import Campaign, Email, normalise_space
from .model import Hit, define, email_check

SUBJECT_LENGTH = define("copy/subject-length", "warning",
                        "subject over 60 characters (phones cut it) or empty (error)")
PREHEADER_MISSING = define("copy/preheader-missing", "warning",
                           "no preheader, so clients show the first body text as the snippet")
PREHEADER_LENGTH = define("copy/preheader-length", "warning",
                          "preheader shorter than 40 or longer than 110 characters")
PREHEADER_REPEATS = define("copy/preheader-repeats-subject", "warning",
                           "preheader repeats the subject instead of adding to it")
CAPS = define("copy/caps", "warning", "too much ALL-CAPS text (spam filters and readers "
              "take it as shouting)")
EXCLAMATION = define("copy/exclamation", "warning",
                     "runs of exclamation marks (\"!!!\"), a classic spam signal")
SPAM_PHRASES = define("copy/spam-phrases", "warning",
                      "phrases spam filters associate with junk mail")

SUBJECT_MAX = 60
PREHEADER_MIN, PREHEADER_MAX = 40, 110
CAPS_SHARE = 0.20
# Generic trigger phrases of marketing spam (SpamAssassin-style lists), matched as words.
SPAM_PHRASE_LIST = (
    "act now", "as seen on", "best price", "buy now", "call now", "cash bonus",
    "click below", "dear friend", "double your income", "double your money",
    "earn extra cash", "exclusive deal", "free gift", "free money", "get paid",
    "guaranteed results", "increase your sales", "limited time offer", "lowest price",
    "make money", "no catch", "no cost", "no obligation", "once in a lifetime", "order now",
    "risk-free", "risk free", "special promotion", "this is not spam", "this isn't spam",
    "you are a winner", "you're a winner", "you have been selected", "you've been selected",
    "100% free", "100% guaranteed", "100% satisfied",
)
_SPAM = re.compile(r"(?<![\w])(" + "|".join(re.escape(p) for p in SPAM_PHRASE_LIST)
                   + r")(?![\w])", re.I)


def _norm(text: str) -> str:
    return normalise_space(re.sub(r"[^\w\s]", " ", text)).lower()


def similar(a: str, b: str) -> float:
    """How alike two short texts are (0..1), ignoring case and punctuation."""
    a, b = _norm(a), _norm(b)
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b).ratio()


@email_check
def check_subject(email: Email, campaign: Campaign) -> Iterable[Hit]:
    subject = email.subject.strip()
    if not subject:
        yield Hit(SUBJECT_LENGTH, "the email has no subject", "set subject for this email in "
                  "campaign.yaml", severity="error")
    elif len(subject) > SUBJECT_MAX:
        yield Hit(SUBJECT_LENGTH, f"subject is {len(subject)} characters: phones show about "
                  f"{SUBJECT_MAX - 20}–{SUBJECT_MAX}", "shorten it to 60 characters or fewer, "
                  "key words first", data={"length": len(subject), "subject": subject})


@email_check
def check_preheader(email: Email, campaign: Campaign) -> Iterable[Hit]:
    preheader = email.preheader.strip()
    fix_missing = "set preheader for this email in campaign.yaml (the template hides it)"
    if not preheader:
        yield Hit(PREHEADER_MISSING, "no preheader: the inbox snippet will be the first words "
                  "of the email", fix_missing)
        return
    if email.html is not None and _norm(preheader) not in _norm(email.all_text):
        yield Hit(PREHEADER_MISSING, "the preheader is not in the HTML, so inboxes cannot "
                  "show it", "keep the template's hidden preheader block")
    length = len(preheader)
    if length < PREHEADER_MIN or length > PREHEADER_MAX:
        yield Hit(PREHEADER_LENGTH, f"preheader is {length} characters "
                  f"(aim for {PREHEADER_MIN}–{PREHEADER_MAX})",
                  "lengthen it to complete the subject" if length < PREHEADER_MIN
                  else "shorten it: inboxes cut it off", data={"length": length})
    subject = email.subject.strip()
    if subject and (_norm(subject) in _norm(preheader) or similar(subject, preheader) >= 0.8):
        yield Hit(PREHEADER_REPEATS, "the preheader repeats the subject: the snippet adds "
                  "nothing", "use the preheader to say what the subject does not")


def caps_share(text: str) -> tuple[float, list[str]]:
    """Share of words (3+ letters) written in capitals, and those words."""
    words = [w for w in re.findall(r"[^\W\d_]{3,}", text)]
    caps = [w for w in words if w.isupper()]
    return (len(caps) / len(words) if words else 0.0), caps


@email_check
def check_spam_style(email: Email, campaign: Campaign) -> Iterable[Hit]:
    parts = {"subject": email.subject, "preheader": email.preheader,
             "body": email.visible_text if email.html else (email.text or "")}
    for where, text in parts.items():
        share, caps = caps_share(text)
        # Short texts need two shouted words: one acronym is not shouting.
        if share > CAPS_SHARE and len(caps) >= (2 if where != "body" else 5):
            yield Hit(CAPS, f"{share:.0%} of the {where} is in capitals "
                      f"({', '.join(sorted(set(caps))[:5])})",
                      "write in sentence case; keep capitals for acronyms",
                      data={"where": where, "share": round(share, 2)})
        run = 2 if where != "body" else 3
        marks = re.findall(r"!{%d,}" % run, text)
        if marks:
            yield Hit(EXCLAMATION, f'{len(marks)} run(s) of "{"!" * run}" in the {where}',
                      "use one exclamation mark at most", data={"where": where})
    found: dict[str, list[str]] = {}
    for where, text in parts.items():
        for match in _SPAM.finditer(text or ""):
            found.setdefault(match.group(1).lower(), [])
            if where not in found[match.group(1).lower()]:
                found[match.group(1).lower()].append(where)
    if found:
        listed = "; ".join(f'"{p}" ({", ".join(w)})' for p, w in sorted(found.items()))
        yield Hit(SPAM_PHRASES, f"spam-trigger phrases: {listed}",
                  "rephrase in plain words; filters score these phrases",
                  data={"phrases": sorted(found)})
