"""Every rule against the fixture emails: each fires where it should, and nowhere else."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from dripcraft.check import RULES, load_rules, run_checks
from dripcraft.errors import ConfigError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "check"


def _load_fixture_module():
    """tests/fixtures/check/make.py, which writes the fixture folders (not a package)."""
    if "check_fixtures" not in sys.modules:
        spec = importlib.util.spec_from_file_location("check_fixtures", FIXTURES / "make.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["check_fixtures"] = module
        spec.loader.exec_module(module)
    return sys.modules["check_fixtures"]


make = _load_fixture_module()

# Info-level compatibility notes are facts about features every email uses (padding, <style>);
# they are asserted in test_check_compat.py, not in the per-email tables below.
COMPAT_INFO = {"compat/partial", "compat/enhancement"}


@pytest.fixture(scope="module")
def sets(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("check-fixtures")
    return {name: make.write_set(root / name, specs) for name, specs in
            (("clean", make.CLEAN), ("broken", make.BROKEN), ("sequence", make.SEQUENCE))}


def report_for(folder: Path, **overrides):
    return run_checks(folder, make.settings(folder, **overrides))


def pairs_for(report, position: int) -> set[tuple[str, str]]:
    """(rule, severity) of every finding that concerns one email, compat notes aside."""
    return {(f.rule, f.severity) for f in report.findings
            if position in f.emails and f.rule not in COMPAT_INFO}


def test_clean_set_has_no_findings(sets):
    report = report_for(sets["clean"])
    assert [f for f in report.findings if f.rule not in COMPAT_INFO] == []
    assert {f.severity for f in report.findings} <= {"info"}
    assert not report.failed(strict=True)


@pytest.mark.parametrize("position,spec", list(enumerate(make.BROKEN, start=1)),
                         ids=[s.name for s in make.BROKEN])
def test_broken_email_triggers_exactly_its_rules(sets, position, spec):
    report = report_for(sets["broken"])
    assert pairs_for(report, position) == spec.expected
    for f in report.findings:
        if position in f.emails and f.scope == "email":
            assert f.file == f"{position:02d}-{spec.name}.html"
            assert f.message and f.fix


@pytest.mark.parametrize("position,spec", list(enumerate(make.SEQUENCE, start=1)),
                         ids=[s.name for s in make.SEQUENCE])
def test_sequence_email_triggers_exactly_its_rules(sets, position, spec):
    assert pairs_for(report_for(sets["sequence"]), position) == spec.expected


def test_broken_sets_have_no_campaign_wide_findings(sets):
    for name in ("broken", "sequence"):
        assert [f.rule for f in report_for(sets[name]).findings if not f.emails] == []


def test_sequence_findings_name_both_emails(sets):
    report = report_for(sets["sequence"])
    by_rule = {f.rule: f for f in report.findings if f.scope == "sequence"}
    assert by_rule["sequence/duplicate-subject"].emails == [2, 4]
    assert by_rule["sequence/duplicate-preheader"].emails == [1, 3]
    assert by_rule["sequence/repeated-paragraph"].emails == [1, 2]
    assert by_rule["sequence/cta-url"].emails == [3]
    assert by_rule["sequence/cta-url"].data["url"] == "https://example.org/elsewhere"
    assert by_rule["sequence/footer"].emails == [4]
    assert by_rule["sequence/reading-budget"].data == {"words": 500, "max_words": 420}


# --- campaign-level settings ----------------------------------------------------------------


def test_list_unsubscribe_missing_is_a_warning(sets):
    report = report_for(sets["clean"], unsubscribe_url="", unsubscribe_mailto="")
    assert [(f.rule, f.severity, f.position) for f in report.findings
            if f.rule not in COMPAT_INFO] == [("compliance/list-unsubscribe", "warning", None)]


def test_list_unsubscribe_mailto_only_is_info_and_http_is_a_warning(sets):
    mailto_only = report_for(sets["clean"], unsubscribe_url="")
    assert [(f.rule, f.severity) for f in mailto_only.findings if f.rule not in COMPAT_INFO] \
        == [("compliance/list-unsubscribe", "info")]
    http = report_for(sets["clean"], unsubscribe_url="http://example.com/u")
    assert ("compliance/list-unsubscribe", "warning") in {(f.rule, f.severity)
                                                          for f in http.findings}


def test_missing_postal_address_setting_is_one_campaign_error(sets):
    report = report_for(sets["clean"], postal_address="")
    found = [f for f in report.findings if f.rule == "compliance/postal-address"]
    assert [(f.severity, f.position, f.emails) for f in found] == [("error", None, [1, 2, 3, 4])]
    assert report.failed()


def test_missing_sender_is_reported(sets, tmp_path):
    import json
    import shutil

    folder = tmp_path / "no-sender"
    shutil.copytree(sets["clean"], folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["campaign"]["sender"] = {"name": "", "email": ""}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    report = run_checks(folder, make.settings(folder, sender=make.Person("", "")))
    assert [(f.rule, f.severity) for f in report.findings if f.rule not in COMPAT_INFO] \
        == [("sequence/sender", "warning")]


# --- configuration: off / re-level ------------------------------------------------------------


def test_rules_can_be_turned_off_and_relevelled(sets):
    base = report_for(sets["broken"])
    assert any(f.rule == "a11y/contrast" for f in base.findings)
    off = report_for(sets["broken"], checks={"a11y/contrast": "off", "copy/caps": "error"})
    assert not any(f.rule == "a11y/contrast" for f in off.findings)
    assert {f.severity for f in off.findings if f.rule == "copy/caps"} == {"error"}
    assert off.levels == {"a11y/contrast": "off", "copy/caps": "error"}


def test_one_compat_feature_can_be_relevelled(sets):
    report = report_for(sets["broken"], checks={"compat/css-display-flex": "off",
                                                "compat/enhancement": "off"})
    features = {f.data["feature"] for f in report.findings if f.family == "compat"}
    assert "css-display-flex" not in features
    assert not any(f.rule == "compat/enhancement" for f in report.findings)


@pytest.mark.parametrize("checks", [{"a11y/nope": "off"}, {"a11y/contrast": "loud"},
                                    {"compat/not-a-feature": "off"}])
def test_bad_checks_config_is_a_config_error(sets, checks):
    with pytest.raises(ConfigError) as info:
        report_for(sets["clean"], checks=checks)
    assert "campaign.yaml" in info.value.format_message()


# --- the registry -----------------------------------------------------------------------------


def test_every_rule_fires_on_some_fixture(sets):
    """No rule that cannot fire: each registered id appears in some fixture's findings."""
    load_rules()
    fired = set()
    for name in ("broken", "sequence"):
        fired |= {f.rule for f in report_for(sets[name]).findings}
    fired |= {f.rule for f in report_for(sets["clean"], unsubscribe_url="",
                                         unsubscribe_mailto="").findings}
    assert set(RULES) - fired == set()
    # ...and each fixture table entry names a registered rule.
    named = {rule for spec in make.BROKEN + make.SEQUENCE for rule, _ in spec.expected}
    assert named <= set(RULES)


def test_every_rule_family_has_a_module_and_a_summary():
    load_rules()
    assert {r.family for r in RULES.values()} == {"size", "a11y", "links", "compliance",
                                                  "copy", "text", "compat", "sequence"}
    assert all(r.summary for r in RULES.values())


def test_findings_are_sorted_and_deterministic(sets):
    from dripcraft.check.report import _CACHE

    first = report_for(sets["broken"]).to_json()
    _CACHE.clear()  # a second, uncached run must give the very same report
    second = report_for(sets["broken"]).to_json()
    assert first == second
    keys = [(f["scope"] != "email", f["position"] or 0) for f in first["findings"]]
    assert keys == sorted(keys)


def test_tiered_findings_keep_their_severity(sets):
    report = report_for(sets["broken"])
    clip = {f.position: f.severity for f in report.findings if f.rule == "size/gmail-clip"}
    assert clip == {1: "error", 2: "warning"}
    assert report.for_email(1)[0].data["bytes"] > 102_000


def test_empty_link_text_is_an_error(sets, tmp_path):
    spec = replace(make.CLEAN[0], html=make.sub(">Read the full article</a>", "></a>"))
    folder = make.write_set(tmp_path / "empty-link", [spec])
    found = [(f.rule, f.severity) for f in run_checks(folder, make.settings(folder)).findings
             if f.rule not in COMPAT_INFO]
    assert found == [("a11y/link-text", "error")]


def test_unfilled_merge_token_in_text_is_markup(sets, tmp_path):
    spec = replace(make.CLEAN[0], text=make.sub("Hi Alex,", "Hi \ue000first_name\ue001,"))
    folder = make.write_set(tmp_path / "token", [spec])
    found = [f for f in run_checks(folder, make.settings(folder)).findings
             if f.rule == "text/markup"]
    assert [f.data["kind"] for f in found] == ["unfilled merge field"]


def test_mailto_and_merge_tag_links_are_allowed(tmp_path):
    extra = ('<p class="text" style="' + make.P_STYLE + '"><a class="link" style="color:#1f5f5b;"'
             ' href="mailto:hi@example.com">Write to hi@example.com</a> or <a class="link" '
             'style="color:#1f5f5b;" href="{{ preferences_url }}">choose fewer emails</a>.</p>'
             "\nWarmly,")
    spec = replace(make.CLEAN[0], html=make.sub("Warmly,", extra),
                   text=make.sub("Warmly,", "Write to hi@example.com.\n\nWarmly,"))
    folder = make.write_set(tmp_path / "mailto", [spec])
    report = run_checks(folder, make.settings(folder))
    assert [f.rule for f in report.findings if f.rule not in COMPAT_INFO] == []


def test_summarize_never_fails_a_build(sets):
    from dripcraft.check import summarize

    folder = sets["clean"]
    assert summarize(folder, make.settings(folder)) == \
        "checks: 0 errors, 0 warnings, " \
        f"{report_for(folder).count('info')} info (dripcraft check for details)"
    broken = summarize(folder, make.settings(folder, checks={"no/such-rule": "off"}))
    assert broken.startswith("checks: not run (") and "no/such-rule" in broken
