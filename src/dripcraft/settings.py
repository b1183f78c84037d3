"""campaign.yaml: the declared schema, loading with line numbers, and validation.

The schema is declared once (`OPTIONS`, `EMAIL_OPTIONS`); the loader, the unknown-key check
and the commented file that `init` writes all read it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from dripcraft.errors import ConfigError
from dripcraft.models import Brand, EmailSpec, Settings

SETTINGS_FILE = "campaign.yaml"

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Option:
    """One key of campaign.yaml: where it lives, where it goes, what it holds."""

    key: str          # dotted path in the YAML file
    attr: str         # dotted attribute on Settings
    kind: str         # str, int, date, color, email, url, mailto, slug, bool, list, map
    doc: str


OPTIONS: tuple[Option, ...] = (
    Option("name", "name", "str", "Campaign name shown in exports and the preview."),
    Option("slug", "slug", "slug", "Short id used in file names and utm_campaign (default: folder name)."),
    Option("article", "article", "str", "The article file, relative to this folder."),
    Option("lang", "lang", "str", "Language tag for <html lang> (default: the article's)."),
    Option("brand.name", "brand.name", "str", "Brand or practice name in the header and footer."),
    Option("brand.logo", "brand.logo", "url", "https URL of a logo image (empty: the name as text)."),
    Option("brand.logo_alt", "brand.logo_alt", "str", "Alt text of the logo (default: brand name)."),
    *(Option(f"brand.colors.{f.name}", f"brand.{f.name}", "color",
             f"Colour '{f.name.replace('_', ' ')}' as #rrggbb.")
      for f in fields(Brand) if f.name not in ("name", "logo", "logo_alt")),
    Option("sender.name", "sender.name", "str", "From name."),
    Option("sender.email", "sender.email", "email", "From address."),
    Option("reply_to", "reply_to", "email", "Reply-To address (default: the sender)."),
    Option("postal_address", "postal_address", "str", "Postal address printed in every footer (required by CAN-SPAM)."),
    Option("links.article", "article_url", "url", "Where the full article lives ('keep reading' links)."),
    Option("links.cta", "cta_url", "url", "Where the call to action leads."),
    Option("links.cta_label", "cta_label", "str", "Button text of the call to action."),
    Option("links.cta_text", "cta_text", "str", "Pitch paragraph for the call-to-action email when the article has none."),
    Option("links.unsubscribe", "unsubscribe_url", "url", "Your own unsubscribe URL, if the platform does not provide one."),
    Option("links.unsubscribe_mailto", "unsubscribe_mailto", "email", "Address for mailto List-Unsubscribe."),
    Option("links.web_version", "web_version_url", "url", "Web version URL, if the platform does not provide one."),
    Option("utm.source", "utm_source", "str", "utm_source added to every link."),
    Option("utm.medium", "utm_medium", "str", "utm_medium added to every link."),
    Option("utm.campaign", "utm_campaign", "str", "utm_campaign (default: the slug)."),
    Option("schedule.start_date", "start_date", "date", "Date the first email goes out (YYYY-MM-DD)."),
    Option("words.min", "min_words", "int", "Fewest words of body per email."),
    Option("words.max", "max_words", "int", "Most words of body per email; the rest links to the article."),
    Option("personalisation.first_name_fallback", "first_name_fallback", "str", "Greeting name when a subscriber has none."),
    Option("personalisation.sample_first_name", "sample_first_name", "str", "First name shown in built files and the preview."),
    Option("signature", "signature", "str", "Sign-off under every email (default: the sender's name)."),
    Option("reason", "reason", "str", "Why the reader gets this email (shown in the footer)."),
    Option("checks", "checks", "map", "Turn check rules off or change their level: {rule-id: off|info|warning|error}."),
    Option("emails", "emails", "list", "The sequence, in send order (see the email keys)."),
)

EMAIL_OPTIONS: tuple[Option, ...] = (
    Option("theme", "theme", "str", "Theme name; material is assigned by its keywords."),
    Option("keywords", "keywords", "list", "Words and phrases that mark material of this theme."),
    Option("delay_days", "delay_days", "int", "Days after the first email that this one is sent."),
    Option("slug", "slug", "slug", "File-name slug (default: from the theme)."),
    Option("subject", "subject", "str", "Subject line (default: derived from the material, ≤ 60 characters)."),
    Option("preheader", "preheader", "str", "Inbox preview text (default: derived, 40–110 characters)."),
    Option("cta", "cta", "bool", "This email carries the call to action (default: the last one)."),
    Option("cta_label", "cta_label", "str", "Button text for this email's call to action."),
    Option("cta_url", "cta_url", "url", "Button URL for this email's call to action."),
    Option("cta_text", "cta_text", "str", "Pitch paragraph used when the article has no call-to-action lines."),
)

_BY_KEY = {o.key: o for o in OPTIONS}
_EMAIL_BY_KEY = {o.key: o for o in EMAIL_OPTIONS}
_SECTIONS = {k.rsplit(".", 1)[0] for k in _BY_KEY if "." in k} | {"brand.colors"}
_CHECK_LEVELS = ("off", "info", "warning", "error")


def settings_path(campaign_dir: Path) -> Path:
    return Path(campaign_dir) / SETTINGS_FILE


def load_settings(campaign_dir: Path) -> Settings:
    """Read and validate CAMPAIGN_DIR/campaign.yaml."""
    campaign_dir = Path(campaign_dir)
    path = settings_path(campaign_dir)
    if not campaign_dir.is_dir():
        raise ConfigError("campaign folder not found", path=campaign_dir,
                          hint="create one with `dripcraft init DIR --article FILE`")
    if not path.is_file():
        raise ConfigError("no campaign.yaml in this folder", path=path,
                          hint="create one with `dripcraft init DIR --article FILE`")
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError("campaign.yaml is not UTF-8 text", path=path,
                          hint="save it as UTF-8") from exc
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"malformed YAML: {problem}", path=path,
                          line=mark.line + 1 if mark else None,
                          hint="check the indentation and quoting on that line") from exc
    return _Loader(path).load(root)


class _Loader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, key: str, message: str, hint: str | None = None):
        line = node.start_mark.line + 1 if node is not None else None
        raise ConfigError(f"'{key}': {message}" if key else message, path=self.path,
                          line=line, hint=hint)

    def load(self, root: yaml.Node | None) -> Settings:
        if root is None:
            self.fail(None, "", "campaign.yaml is empty", "see `dripcraft init` for a starting file")
        if not isinstance(root, yaml.MappingNode):
            self.fail(root, "", "campaign.yaml must be a mapping of keys to values")
        settings = Settings(path=self.path, name="", slug="")
        self._walk(root, "", settings)
        return self._finish(settings, root)

    def _walk(self, node: yaml.MappingNode, prefix: str, settings: Settings) -> None:
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = prefix + str(key_node.value)
            if key in seen:
                self.fail(key_node, key, "appears twice", "keep one of them")
            seen.add(key)
            if key in _SECTIONS:
                if _is_null(value_node):
                    continue
                if not isinstance(value_node, yaml.MappingNode):
                    self.fail(value_node, key, "must be a mapping of keys to values")
                self._walk(value_node, key + ".", settings)
                continue
            option = _BY_KEY.get(key)
            if option is None:
                self.fail(key_node, key, "unknown setting", _suggest(key, [*_BY_KEY, *_SECTIONS]))
            if key == "emails":
                settings.emails = self._emails(value_node)
            elif key == "checks":
                settings.checks = self._checks(value_node)
            elif not _is_null(value_node):
                _set_attr(settings, option.attr, self._value(value_node, option, key))

    def _value(self, node: yaml.Node, option: Option, key: str) -> Any:
        kind = option.kind
        if kind == "list":
            if not isinstance(node, yaml.SequenceNode):
                self.fail(node, key, "must be a list", "write it as [a, b] or one '- item' per line")
            items = []
            for item in node.value:
                if not isinstance(item, yaml.ScalarNode) or not str(item.value).strip():
                    self.fail(item, key, "every entry must be a word or phrase")
                items.append(str(item.value).strip())
            return items
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, key, "must be a single value, not a list or mapping")
        raw = str(node.value).strip()
        if kind == "int":
            if not re.fullmatch(r"\d+", raw):
                self.fail(node, key, f"expected a whole number of 0 or more, got {raw!r}")
            return int(raw)
        if kind == "bool":
            if raw.lower() not in ("true", "false", "yes", "no"):
                self.fail(node, key, f"expected true or false, got {raw!r}")
            return raw.lower() in ("true", "yes")
        if kind == "date":
            try:
                return date.fromisoformat(raw)
            except ValueError:
                self.fail(node, key, f"expected a date as YYYY-MM-DD, got {raw!r}")
        if kind == "color" and not _COLOR.match(raw):
            self.fail(node, key, f"expected a colour as #rrggbb, got {raw!r}")
        if kind == "email" and raw and not _EMAIL.match(raw):
            self.fail(node, key, f"expected an email address, got {raw!r}")
        if kind == "url" and raw and not raw.startswith("https://"):
            self.fail(node, key, f"expected an absolute https:// URL, got {raw!r}")
        if kind == "slug" and not _SLUG.match(raw):
            self.fail(node, key, f"expected lower-case letters, digits and dashes, got {raw!r}")
        return raw

    def _emails(self, node: yaml.Node) -> list[EmailSpec]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.fail(node, "emails", "must be a non-empty list, one entry per email")
        emails = []
        for index, item in enumerate(node.value, start=1):
            where = f"emails -> {index}"
            if not isinstance(item, yaml.MappingNode):
                self.fail(item, where, "must be a mapping with at least 'theme' and 'keywords'")
            values: dict[str, Any] = {}
            for key_node, value_node in item.value:
                key = str(key_node.value)
                option = _EMAIL_BY_KEY.get(key)
                if option is None:
                    self.fail(key_node, f"{where} -> {key}", "unknown setting",
                              _suggest(key, list(_EMAIL_BY_KEY)))
                if not _is_null(value_node):
                    values[option.attr] = self._value(value_node, option, f"{where} -> {key}")
            if not values.get("theme"):
                self.fail(item, where, "has no theme", "add `theme: NAME`")
            if not values.get("keywords"):
                self.fail(item, f"{where} ({values['theme']})", "the theme has no keywords",
                          "add `keywords: [word, another phrase]` so material can be matched")
            emails.append(EmailSpec(**values))
        return emails

    def _checks(self, node: yaml.Node) -> dict[str, str]:
        if _is_null(node):
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, "checks", "must map rule ids to off|info|warning|error")
        levels = {}
        for key_node, value_node in node.value:
            level = str(value_node.value).strip().lower()
            if level not in _CHECK_LEVELS:
                self.fail(value_node, f"checks -> {key_node.value}",
                          f"expected one of {', '.join(_CHECK_LEVELS)}, got {level!r}")
            levels[str(key_node.value)] = level
        return levels

    def _finish(self, settings: Settings, root: yaml.Node) -> Settings:
        folder = self.path.parent
        settings.slug = settings.slug or slugify(folder.resolve().name) or "campaign"
        settings.name = settings.name or settings.slug.replace("-", " ").capitalize()
        settings.utm_campaign = settings.utm_campaign or settings.slug
        settings.brand.logo_alt = settings.brand.logo_alt or settings.brand.name
        settings.reply_to = settings.reply_to or settings.sender.email
        settings.signature = settings.signature or settings.sender.name or settings.brand.name
        # A label that names where it leads; "Learn more" alone is vague link text.
        settings.cta_label = settings.cta_label or (
            f"Visit {settings.brand.name}" if settings.brand.name else "Take the next step")
        if not settings.emails:
            self.fail(root, "emails", "no emails are configured",
                      "add an `emails:` list with a theme and keywords for each")
        if settings.min_words > settings.max_words:
            self.fail(root, "words", f"min ({settings.min_words}) is more than max "
                      f"({settings.max_words})")
        previous = 0
        slugs: set[str] = set()
        for index, spec in enumerate(settings.emails, start=1):
            spec.slug = spec.slug or slugify(spec.theme) or f"email-{index}"
            if spec.slug in slugs:
                spec.slug = f"{spec.slug}-{index}"
            slugs.add(spec.slug)
            if spec.delay_days < previous:
                self.fail(root, f"emails -> {index} -> delay_days",
                          f"{spec.delay_days} is earlier than the email before it ({previous})",
                          "delays count days from the first email and must not go down")
            previous = spec.delay_days
        if not any(spec.cta for spec in settings.emails):
            settings.emails[-1].cta = True
        return settings


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def _set_attr(obj: Any, dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for name in parents:
        obj = getattr(obj, name)
    setattr(obj, last, value)


def _suggest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "remove it or see the comments `dripcraft init` writes for the valid keys"


def slugify(text: str) -> str:
    """Lower-case letters, digits and dashes, at most 40 characters."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")

