"""Rules, findings and the registry every rule family adds itself to.

A rule has a stable id (`family/name`), a default severity and a one-line summary. A check
function yields `Hit`s; the runner turns them into `Finding`s, applying the campaign's
`checks:` overrides (`off`, `error`, `warning`, `info`) from campaign.yaml.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from dripcraft.errors import ConfigError

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
LEVELS = (*SEVERITIES, "off")
FAMILIES = ("size", "a11y", "links", "compliance", "copy", "text", "compat", "sequence")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    summary: str

    @property
    def family(self) -> str:
        return self.id.split("/", 1)[0]


@dataclass(frozen=True)
class Hit:
    """What a check function reports; the runner adds the email and the final severity.

    `severity` is set only by tiered rules (e.g. size/gmail-clip warns near the limit and
    errs past it); otherwise the rule's default applies. `position` is the email concerned
    (None for a campaign-wide finding) and `emails` every email involved (sequence rules).
    """

    rule: str
    message: str
    fix: str
    position: int | None = None
    emails: tuple[int, ...] = ()
    element: str | None = None
    line: int | None = None
    severity: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One problem, with everything a report, the preview or a script needs."""

    rule: str
    family: str
    severity: str
    scope: str  # "email" (about one email) or "sequence" (across emails / campaign-wide)
    position: int | None
    file: str | None
    emails: list[int]
    element: str | None
    line: int | None
    message: str
    fix: str
    data: dict[str, Any]

    def sort_key(self) -> tuple:
        return (
            self.scope != "email",
            self.position if self.position is not None else 0,
            SEVERITY_RANK[self.severity],
            self.rule,
            self.line if self.line is not None else -1,
            self.element or "",
            self.message,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


RULES: dict[str, Rule] = {}


def define(rule_id: str, severity: str, summary: str) -> str:
    """Register a rule and return its id (so modules write `CLIP = define(...)`)."""
    family = rule_id.split("/", 1)[0]
    assert family in FAMILIES and severity in SEVERITIES, rule_id
    assert rule_id not in RULES, f"rule {rule_id} defined twice"
    RULES[rule_id] = Rule(rule_id, severity, summary)
    return rule_id


EmailCheck = Callable[..., Iterable[Hit]]
EMAIL_CHECKS: list[EmailCheck] = []
SEQUENCE_CHECKS: list[EmailCheck] = []


def email_check(fn: EmailCheck) -> EmailCheck:
    """Register `fn(email, campaign) -> Iterable[Hit]`, run once per email."""
    EMAIL_CHECKS.append(fn)
    return fn


def sequence_check(fn: EmailCheck) -> EmailCheck:
    """Register `fn(campaign) -> Iterable[Hit]`, run once per campaign."""
    SEQUENCE_CHECKS.append(fn)
    return fn


# Per-feature switches for the compat rules: `compat/<caniemail slug>: off|error|...`.
COMPAT_FEATURE_PREFIX = "compat/"


def validate_levels(checks: Mapping[str, str], known_features: Iterable[str] = (),
                    path=None) -> dict[str, str]:
    """Check the `checks:` mapping of campaign.yaml; return it normalised (lower-case levels).

    Keys are rule ids, or `compat/<caniemail feature slug>` to re-level one feature.
    """
    features = set(known_features)
    out: dict[str, str] = {}
    for key, value in (checks or {}).items():
        level = "off" if value is False else str(value).strip().lower()
        name = str(key).strip()
        if name not in RULES and not (name.startswith(COMPAT_FEATURE_PREFIX)
                                      and name[len(COMPAT_FEATURE_PREFIX):] in features):
            raise ConfigError(f"checks: unknown rule {name!r}", path=path,
                              hint="run `dripcraft check --rules` for the list of rule ids")
        if level not in LEVELS:
            raise ConfigError(f"checks: {name}: unknown level {value!r}", path=path,
                              hint="use one of off, error, warning, info")
        out[name] = level
    return out
