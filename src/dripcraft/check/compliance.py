"""compliance/*: what CAN-SPAM and the Gmail/Yahoo bulk-sender rules require of every email."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from .accessibility import link_name
from .document import Campaign, Email, normalise_space
from .model import Hit, define, email_check, sequence_check

UNSUBSCRIBE = define("compliance/unsubscribe", "error",
                     "no visible unsubscribe link in the email")
POSTAL_ADDRESS = define("compliance/postal-address", "error",
                        "no postal address (CAN-SPAM requires one in every email)")
LIST_UNSUBSCRIBE = define("compliance/list-unsubscribe", "warning",
                          "no one-click List-Unsubscribe data (unsubscribe_url, "
                          "unsubscribe_mailto) in campaign.yaml")

UNSUB_WORDS = re.compile(r"unsubscribe|opt[ -]?out|stop receiving|manage (your )?"
                         r"(email )?preferences", re.I)
# In a URL only a path segment or mailto named so counts: a slug like "no-unsubscribe-tips"
# in a web-version URL is not an unsubscribe link.
UNSUB_URL = re.compile(r"(^mailto:[^?]*\?(.*&)?subject=unsubscribe)|"
                       r"/(unsubscribe|unsub|opt-?out|optout)([/?#._-]|$)", re.I)


def is_unsubscribe_link(a, sample_url: str) -> bool:
    href = (a.get("href") or "").strip()
    return bool(href) and (href == sample_url or bool(UNSUB_WORDS.search(link_name(a)))
                           or bool(UNSUB_URL.search(href)))


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def contains_words(haystack: str, needle: str) -> bool:
    """Whether `needle`'s words appear in order, contiguously, in `haystack` (any punctuation
    or line breaks in between)."""
    n, h = words(needle), words(haystack)
    if not n:
        return False
    return any(h[i:i + len(n)] == n for i in range(len(h) - len(n) + 1))


def footer_block(email: Email, campaign: Campaign):
    """The footer: the block around the (last) unsubscribe link that holds the footer's lines
    (address, reason, links), or None without an unsubscribe link."""
    if email.body is None:
        return None
    sample = campaign.sample_urls(email)["unsubscribe"]
    anchor = None
    for a in email.elements("a"):
        if is_unsubscribe_link(a, sample):
            anchor = a
    if anchor is None:
        return None
    block = anchor
    for ancestor in anchor.iterancestors():
        if ancestor.tag in ("body", "html"):
            break
        block = ancestor
        if ancestor.tag in ("td", "div", "footer", "table") and \
                len(normalise_space(ancestor.text_content())) >= 60:
            break
    return block


@email_check
def check_unsubscribe(email: Email, campaign: Campaign) -> Iterable[Hit]:
    if email.body is None:
        return
    sample = campaign.sample_urls(email)["unsubscribe"]
    for a in email.elements("a"):
        if is_unsubscribe_link(a, sample) and not email.styles.computed(a).hidden:
            return
    yield Hit(UNSUBSCRIBE, "no visible unsubscribe link: required by law (CAN-SPAM, GDPR) and "
              "by Gmail and Yahoo for bulk mail", "keep the template's footer with the "
              "unsubscribe link (merge field unsubscribe_url)")


@email_check
def check_postal_address(email: Email, campaign: Campaign) -> Iterable[Hit]:
    address = campaign.settings.postal_address.strip()
    if not address or email.body is None:
        return  # a missing setting is reported once for the campaign
    if not contains_words(email.visible_text, address):
        yield Hit(POSTAL_ADDRESS, f'the postal address "{address[:60]}" is not shown in the '
                  "email", "keep the footer's postal address (merge field postal_address)")
    elif email.text is not None and not contains_words(email.text, address):
        yield Hit(POSTAL_ADDRESS, "the postal address is missing from the plain-text part",
                  "add the postal address to the plain-text footer", severity="warning")


@sequence_check
def check_campaign_compliance(campaign: Campaign) -> Iterable[Hit]:
    settings = campaign.settings
    if not settings.postal_address.strip():
        yield Hit(POSTAL_ADDRESS, "campaign.yaml has no postal_address: every commercial "
                  "email must show one (CAN-SPAM)", "set postal_address: a street address or "
                  "registered PO box", emails=tuple(e.position for e in campaign.emails))
    url, mailto = settings.unsubscribe_url.strip(), settings.unsubscribe_mailto.strip()
    fix = ("set unsubscribe_url (an https endpoint that accepts one-click POSTs, RFC 8058) "
           "and unsubscribe_mailto in campaign.yaml, or let your platform add the headers")
    if not url and not mailto:
        yield Hit(LIST_UNSUBSCRIBE, "no unsubscribe_url or unsubscribe_mailto: exported .eml "
                  "files get no List-Unsubscribe header, which Gmail and Yahoo require of bulk "
                  "senders", fix)
    elif url and urlsplit(url).scheme.lower() != "https":
        yield Hit(LIST_UNSUBSCRIBE, f"unsubscribe_url {url[:60]} is not https: one-click "
                  "unsubscribe (List-Unsubscribe-Post) needs an https URL", fix)
    elif not url:
        yield Hit(LIST_UNSUBSCRIBE, "only unsubscribe_mailto is set: without an https "
                  "unsubscribe_url there is no one-click unsubscribe", fix, severity="info")
