"""links/*: absolute https URLs, no placeholder hrefs, UTM tagging, consistent link text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .accessibility import link_name
from .document import Campaign, Email, describe, normalise_space
from .model import Hit, define, email_check

NOT_HTTPS = define("links/not-https", "error",
                   "a link or image URL that is not absolute https (http: warns)")
EMPTY = define("links/empty", "error", "a link with an empty or \"#\" href")
UTM = define("links/utm", "warning", "a link without utm_source, utm_medium and utm_campaign")
SAME_TEXT = define("links/same-text", "warning",
                   "the same link text points to different URLs in one email")

REQUIRED_UTM = ("utm_source", "utm_medium", "utm_campaign")
# Merge tags of the platforms dripcraft exports to, and dripcraft's own neutral token: these
# are filled in at send time, so they are not broken links.
MERGE_TAG = re.compile(r"\{\{|\{%|\*\|[^|]*\|\*|%[A-Za-z_]+%|\[\[|\{\$|\$\{|<%|\ue000")
SAFE_SCHEMES = ("mailto:", "tel:")
OPT_OUT = re.compile(r"unsubscribe|opt[ -]?out|preferences|view (it |this )?(email )?in "
                     r"(your )?browser|web version|view online", re.I)


def strip_tracking(url: str) -> str:
    """The URL without utm_* parameters or fragment, to compare destinations."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith("utm_")]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                       urlencode(query), ""))


def anchors(email: Email) -> list:
    return [a for a in email.elements("a") if a.get("href") is not None]


def is_opt_out(a, href: str, campaign: Campaign, email: Email) -> bool:
    samples = campaign.sample_urls(email)
    return href in samples.values() or bool(OPT_OUT.search(link_name(a)))


@email_check
def check_urls(email: Email, campaign: Campaign) -> Iterable[Hit]:
    targets = [(a, "href", a.get("href")) for a in anchors(email)]
    targets += [(img, "src", img.get("src")) for img in email.elements("img")
                if img.get("src") is not None]
    for el, attr, raw in targets:
        url = (raw or "").strip()
        if attr == "href" and url in ("", "#"):
            what = "an empty" if not url else 'a "#"'
            yield Hit(EMPTY, f"link with {what} href goes nowhere",
                      "point it at a real https URL or remove the link",
                      element=describe(el), line=el.sourceline)
            continue
        if not url or MERGE_TAG.search(url) or url.lower().startswith(SAFE_SCHEMES):
            continue
        scheme = urlsplit(url).scheme.lower()
        if scheme == "https" and urlsplit(url).netloc:
            continue
        kind = "image" if attr == "src" else "link"
        if scheme == "http":
            yield Hit(NOT_HTTPS, f"{kind} uses http: {url[:80]}",
                      "use the https:// address (clients warn about or block http)",
                      element=describe(el), line=el.sourceline, severity="warning",
                      data={"url": url})
        else:
            yield Hit(NOT_HTTPS, f"{kind} URL is not absolute https: {url[:80]}",
                      "use a full https:// URL: relative and other links break in inboxes",
                      element=describe(el), line=el.sourceline, data={"url": url})


@email_check
def check_utm(email: Email, campaign: Campaign) -> Iterable[Hit]:
    for a in anchors(email):
        href = a.get("href").strip()
        if urlsplit(href).scheme.lower() not in ("http", "https") or MERGE_TAG.search(href):
            continue
        if is_opt_out(a, href, campaign, email):
            continue  # unsubscribe and web-version links are not campaign traffic
        params = {k.lower() for k, _ in parse_qsl(urlsplit(href).query)}
        missing = [p for p in REQUIRED_UTM if p not in params]
        if missing:
            yield Hit(UTM, f"link has no {', '.join(missing)}: {href[:80]}",
                      "set utm_* in campaign.yaml (the build adds them) or add them to the URL",
                      element=describe(a), line=a.sourceline,
                      data={"url": href, "missing": missing})


@email_check
def check_same_text(email: Email, campaign: Campaign) -> Iterable[Hit]:
    by_text: dict[str, dict[str, object]] = {}
    for a in anchors(email):
        href = a.get("href").strip()
        name = normalise_space(link_name(a)).lower()
        if not name or not href or href == "#":
            continue
        by_text.setdefault(name, {}).setdefault(strip_tracking(href), a)
    for name, urls in sorted(by_text.items()):
        if len(urls) < 2:
            continue
        first = next(iter(urls.values()))
        yield Hit(SAME_TEXT, f'link text "{name}" points to {len(urls)} different URLs: '
                  + ", ".join(sorted(urls))[:160],
                  "give each destination its own link text, or use one URL",
                  element=describe(first), line=first.sourceline,
                  data={"text": name, "urls": sorted(urls)})
