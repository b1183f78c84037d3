"""a11y/*: language, layout tables, alt text, contrast, text size, headings, link text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .document import Campaign, Email, describe, normalise_space
from .model import Hit, define, email_check
from .styles import Palette, contrast_ratio, hex_color, suggest_color

LANG = define("a11y/lang", "error",
              "`lang` missing on <html> or on the wrapper inside <body> (webmails drop <html>)")
TABLE_ROLE = define("a11y/table-role", "error",
                    "layout table without role=\"presentation\" (screen readers announce it)")
IMG_ALT = define("a11y/img-alt", "error", "image without alt text (or a linked image with "
                 "empty alt)")
GENERIC_ALT = define("a11y/img-alt-generic", "warning",
                     "image alt text that says nothing (\"image\", a file name, one letter)")
CONTRAST = define("a11y/contrast", "error",
                  "text/background contrast below WCAG AA in the light palette")
CONTRAST_DARK = define("a11y/contrast-dark", "error",
                       "text/background contrast below WCAG AA in the authored dark palette")
FONT_SIZE = define("a11y/font-size", "warning",
                   "body text under 16 px (error under 14 px)")
HEADINGS = define("a11y/heading-order", "warning", "a heading level is skipped (h1 then h3)")
LINK_TEXT = define("a11y/link-text", "warning",
                   "vague link text (\"click here\", \"read more\") or a link with no text")

LANG_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$")
# Alt texts that tell a screen-reader user nothing about the image.
GENERIC_ALTS = re.compile(
    r"^(image|img|picture|pic|photo|photograph|graphic|icon|logo|banner|header|spacer|alt|"
    r"untitled|placeholder|screenshot|dsc|img_?\d+|image\s*\d+|photo\s*\d+)$"
    r"|\.(png|jpe?g|gif|webp|svg|bmp|avif)$|^.$", re.I)
# Link texts that make no sense out of context (screen readers list links on their own).
VAGUE_LINKS = {"click here", "click", "here", "read more", "more", "learn more", "link",
               "this link", "this", "go", "more info", "more information", "details",
               "continue", "continue reading", "see more", "find out more", "click this link"}
AA_NORMAL, AA_LARGE = 4.5, 3.0
BODY_MIN_ERROR, BODY_MIN_WARN = 14.0, 16.0
# Runs of only invisible filler (the preheader padding) carry no readable text.
FILLER = re.compile(r"^[\s\u00a0\u200b-\u200f\u034f\u2060\ufeff\u00ad]*$")


def _wrapper(email: Email):
    """The top-level element inside <body> that holds most of the visible text."""
    body = email.body
    best, best_len = None, 0
    for child in body:
        if not isinstance(child.tag, str) or email.styles.computed(child).hidden:
            continue
        length = len(normalise_space(child.text_content()))
        if length > best_len:
            best, best_len = child, length
    return best


@email_check
def check_lang(email: Email, campaign: Campaign) -> Iterable[Hit]:
    if email.root is None:
        return
    html_el = email.root
    wrapper = _wrapper(email) if email.body is not None else None
    expected = campaign.lang.split("-")[0].lower()
    fix = 'add lang (and dir) to <html> and to the outer wrapper, e.g. <div lang="en" dir="ltr">'
    for label, el in (("<html>", html_el), ("the wrapper inside <body>", wrapper)):
        if el is None:
            continue
        value = (el.get("lang") or "").strip()
        if not value:
            yield Hit(LANG, f"no lang attribute on {label}: screen readers guess the language",
                      fix, element=describe(el, " "), line=el.sourceline)
        elif not LANG_TAG.match(value):
            yield Hit(LANG, f'lang="{value}" on {label} is not a language tag',
                      'use a BCP 47 tag such as "en" or "pt-BR"', element=describe(el, " "),
                      line=el.sourceline)
        elif expected and value.split("-")[0].lower() != expected:
            yield Hit(LANG, f'lang="{value}" on {label} but the campaign language is '
                      f'"{campaign.lang}"', "set lang in the article front matter or "
                      "campaign.yaml to the language the email is written in",
                      element=describe(el, " "), line=el.sourceline, severity="warning")


@email_check
def check_tables(email: Email, campaign: Campaign) -> Iterable[Hit]:
    for table in email.elements("table"):
        if (table.get("role") or "").strip().lower() in ("presentation", "none"):
            continue
        if table.xpath(".//th|.//caption|.//thead") or table.get("summary"):
            continue  # a data table: it should keep its semantics
        yield Hit(TABLE_ROLE, "layout table without role=\"presentation\": screen readers "
                  "read out rows and cells", 'add role="presentation" to the <table>',
                  element=describe(table, " "), line=table.sourceline)


@email_check
def check_images(email: Email, campaign: Campaign) -> Iterable[Hit]:
    for img in email.elements("img"):
        alt = img.get("alt")
        linked = any(a.tag == "a" for a in img.iterancestors())
        src = (img.get("src") or "").rsplit("/", 1)[-1][:40]
        label = f'<img src="…/{src}">' if src else "<img>"
        if alt is None:
            yield Hit(IMG_ALT, "image without an alt attribute: screen readers read the file "
                      "name", 'describe the image in alt, or alt="" if it is decorative',
                      element=label, line=img.sourceline)
        elif not alt.strip() and linked:
            yield Hit(IMG_ALT, "linked image with empty alt: the link has no name",
                      "put the link's destination or purpose in alt", element=label,
                      line=img.sourceline)
        elif alt.strip() and GENERIC_ALTS.search(alt.strip()):
            yield Hit(GENERIC_ALT, f'alt="{alt.strip()}" says nothing about the image',
                      "describe what the image shows or does, or use alt=\"\" if decorative",
                      element=label, line=img.sourceline)


def _contrast_hits(email: Email, palette: Palette) -> Iterable[Hit]:
    rule = CONTRAST if palette is Palette.LIGHT else CONTRAST_DARK
    seen: dict[tuple, list] = {}
    for run in email.visible_runs(palette):
        if FILLER.match(run.text):
            continue
        style = email.styles.computed(run.element, palette)
        if style.image_backdrop:
            continue
        large = style.font_px >= 24 or (style.bold and style.font_px >= 18.66)
        needed = AA_LARGE if large else AA_NORMAL
        ratio = contrast_ratio(style.color, style.background)
        if ratio + 1e-9 >= needed:
            continue
        key = (hex_color(style.color), hex_color(style.background), needed)
        if key not in seen:
            seen[key] = [run.element, ratio, style, 0]
        seen[key][3] += 1
    for (fg, bg, needed), (el, ratio, style, count) in seen.items():
        better = hex_color(suggest_color(style.color, style.background, needed))
        size = "large" if needed == AA_LARGE else "normal"
        where = "" if count == 1 else f" ({count} places)"
        yield Hit(rule, f"text {fg} on {bg} is {ratio:.2f}:1, below the {needed}:1 WCAG AA "
                  f"needs for {size} text{where}",
                  f"use {better} (or darker/lighter) for the text, or change the background; "
                  f"colour from {style.color_source}",
                  element=describe(el), line=el.sourceline,
                  data={"palette": palette.value, "foreground": fg, "background": bg,
                        "ratio": round(ratio, 2), "required": needed, "suggestion": better,
                        "count": count})


@email_check
def check_contrast(email: Email, campaign: Campaign) -> Iterable[Hit]:
    if email.body is None:
        return
    yield from _contrast_hits(email, Palette.LIGHT)
    if email.styles.has_dark_rules:
        yield from _contrast_hits(email, Palette.DARK)


@email_check
def check_font_size(email: Email, campaign: Campaign) -> Iterable[Hit]:
    """The size most words are set in is the body size. Headings and the footer (legal
    lines may be smaller) do not count, so a short email is judged by its own text."""
    from .compliance import footer_block

    if email.body is None:
        return
    footer = footer_block(email, campaign)
    words: Counter[float] = Counter()
    first: dict[float, object] = {}
    for run in email.visible_runs():
        if run.element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            continue
        if footer is not None and (run.element is footer
                                   or footer in run.element.iterancestors()):
            continue
        size = round(email.styles.computed(run.element).font_px, 1)
        words[size] += len(run.text.split())
        first.setdefault(size, run.element)
    if not words:
        return
    size, _ = max(words.items(), key=lambda kv: (kv[1], kv[0]))
    if size >= BODY_MIN_WARN:
        return
    severity = "error" if size < BODY_MIN_ERROR else "warning"
    el = first[size]
    yield Hit(FONT_SIZE, f"body text is {size:g} px: hard to read on phones "
              f"({'at least 14 px, ' if severity == 'error' else ''}16 px recommended)",
              "set font-size: 16px on paragraphs and list items", element=describe(el),
              line=el.sourceline, severity=severity,
              data={"font_px": size, "words": words[size]})


@email_check
def check_headings(email: Email, campaign: Campaign) -> Iterable[Hit]:
    previous = 0
    for el in email.elements():
        if el.tag not in ("h1", "h2", "h3", "h4", "h5", "h6"):
            continue
        if email.styles.computed(el).hidden:
            continue
        level = int(el.tag[1])
        if previous and level > previous + 1:
            yield Hit(HEADINGS, f"<{el.tag}> follows <h{previous}>: heading level "
                      f"h{previous + 1} is skipped", f"use <h{previous + 1}> here (style it "
                      "to look smaller if needed)", element=describe(el), line=el.sourceline)
        previous = level


def link_name(a) -> str:
    if a.get("aria-label"):
        return normalise_space(a.get("aria-label"))
    parts = [a.text_content()] + [img.get("alt") or "" for img in a.iter("img")]
    return normalise_space(" ".join(parts))


def _bare(text: str) -> str:
    """Link text without punctuation, arrows or emoji, lower-cased."""
    return normalise_space(re.sub(r"[^\w\s']", " ", text)).lower()


@email_check
def check_link_text(email: Email, campaign: Campaign) -> Iterable[Hit]:
    for a in email.elements("a"):
        if a.get("href") is None or email.styles.computed(a).hidden:
            continue
        name = link_name(a)
        if not _bare(name):
            yield Hit(LINK_TEXT, "link with no text: screen readers read out the URL",
                      "give the link visible text or an image with alt text",
                      element=describe(a), line=a.sourceline, severity="error")
        elif _bare(name) in VAGUE_LINKS:
            yield Hit(LINK_TEXT, f'link text "{name}" does not say where it goes',
                      'name the destination, e.g. "Read the full article" or "See the '
                      'schedule"', element=describe(a), line=a.sourceline)
