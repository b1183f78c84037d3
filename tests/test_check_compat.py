"""compat/*: straight from the vendored caniemail data, collapsed per client group."""

from __future__ import annotations

import json
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from importlib.resources import files
from pathlib import Path

import pytest

from dripcraft.check import caniemail, run_checks
from dripcraft.check.caniemail import latest
from dripcraft.check.compat import index

from test_check_rules import make  # the shared fixture writer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> tuple:
    folder = make.write_set(tmp_path_factory.mktemp("compat") / "broken", make.BROKEN)
    return folder, run_checks(folder, make.settings(folder))


def compat(report, position: int) -> dict[str, object]:
    return {f.data["feature"]: f for f in report.findings
            if f.family == "compat" and f.position == position}


def position_of(name: str) -> int:
    return [s.name for s in make.BROKEN].index(name) + 1


def test_display_flex_is_unsupported_in_outlook_windows(broken):
    _, report = broken
    flex = compat(report, position_of("flexbox"))["css-display-flex"]
    assert (flex.rule, flex.severity) == ("compat/unsupported", "warning")
    assert "outlook-windows" in flex.data["unsupported"]
    assert flex.data["support"]["outlook-windows"] == "unsupported"
    assert flex.data["last_test_date"] == caniemail.features()["css-display-flex"].last_test_date
    assert "last tested " + flex.data["last_test_date"] in flex.message
    assert "Outlook (Windows)" in flex.message
    assert flex.data["url"].startswith("https://www.caniemail.com/features/")
    # Only in the email that uses it.
    assert "css-display-flex" not in compat(report, position_of("clip"))


def test_border_radius_is_unsupported_in_outlook_windows(broken):
    _, report = broken
    radius = compat(report, position_of("square-button"))["css-border-radius"]
    assert "outlook-windows" in radius.data["unsupported"]
    # Square corners are cosmetic: an enhancement note, never a warning.
    assert (radius.rule, radius.severity) == ("compat/enhancement", "info")
    # With the VML <v:roundrect> button, Outlook on Windows has its fallback.
    with_vml = compat(report, position_of("clip"))["css-border-radius"]
    assert with_vml.data["unsupported"] == []
    assert with_vml.data["mitigated"] == ["outlook-windows"]


def test_prefers_color_scheme_is_unsupported_in_gmail(broken):
    _, report = broken
    dark = compat(report, 1)["css-at-media-prefers-color-scheme"]
    assert "gmail" in dark.data["unsupported"]
    assert "Gmail" in dark.message
    # Dark mode lives in <style>: progressive enhancement, never a warning on every email.
    assert (dark.rule, dark.severity) == ("compat/enhancement", "info")


def test_rem_units_are_flagged(broken):
    _, report = broken
    rem = compat(report, position_of("rem-units"))["css-unit-rem"]
    assert rem.rule == "compat/unsupported"
    assert {"outlook-windows", "yahoo"} <= set(rem.data["unsupported"])


def test_one_finding_per_feature_and_email(broken):
    _, report = broken
    for position in range(1, len(make.BROKEN) + 1):
        features = [f.data["feature"] for f in report.findings
                    if f.family == "compat" and f.position == position]
        assert len(features) == len(set(features))


def test_partial_support_is_info(broken):
    _, report = broken
    padding = compat(report, 1)["css-padding"]
    assert (padding.rule, padding.severity) == ("compat/partial", "info")
    assert padding.data["partial"] == ["outlook-windows"]
    assert padding.data["notes"]["outlook-windows"]


def test_hiding_properties_of_the_preheader_are_not_warnings(broken):
    _, report = broken
    found = compat(report, 1)
    for slug in ("css-max-height", "css-overflow", "css-display-none"):
        assert found[slug].rule == "compat/enhancement", slug


def test_clean_emails_have_no_compat_warnings(tmp_path):
    folder = make.write_set(tmp_path / "clean", make.CLEAN)
    report = run_checks(folder, make.settings(folder))
    assert {f.rule for f in report.findings} <= {"compat/partial", "compat/enhancement"}


def test_latest_version_ordering():
    assert latest({"2007": "n", "2019": "y"}) == "y"
    assert latest({"2024-04": "y", "2024-01": "n"}) == "y"  # dates sort, not file order
    assert latest({"10.3": "n", "16.0": "a #1"}) == "a #1"
    assert latest({"2019-10": "n", "16.80": "y"}) == "y"  # mixed kinds keep data order
    assert latest({"2019": "u"}) is None


def test_index_maps_css_and_html_to_slugs():
    ix = index()
    assert "css-display-flex" in ix.pairs[("display", "flex")]
    assert "css-border-radius" in ix.properties["border-radius"]
    assert "css-at-media-prefers-color-scheme" in ix.media_features["prefers-color-scheme"]
    assert "css-unit-rem" in ix.units["rem"]
    assert "css-pseudo-class-hover" in ix.pseudos["hover"]
    assert "html-h1-h6" in ix.elements["h3"]
    assert "html-role" in ix.attributes["role"]
    assert "image-webp" in ix.images["webp"]


def test_vendored_data_is_small_licensed_and_trimmed():
    data_dir = files("dripcraft").joinpath("data")
    raw = data_dir.joinpath("caniemail.json").read_bytes()
    assert len(raw) < 2 * 1024 * 1024
    assert "MIT" in data_dir.joinpath("caniemail.LICENSE").read_text()
    assert "refresh-caniemail" in data_dir.joinpath("caniemail.README.md").read_text()
    data = json.loads(raw)
    assert data["source"]["npm"].startswith("caniemail@")
    feature = data["data"][0]
    assert set(feature) == {"slug", "title", "category", "url", "last_test_date",
                            "notes_by_num", "stats"}
    assert set().union(*(f["stats"] for f in data["data"])) <= {"gmail", "outlook",
                                                                "apple-mail", "yahoo"}


def test_refresh_script_trims_the_package_data():
    loader = SourceFileLoader("refresh_caniemail", str(ROOT / "scripts" / "refresh-caniemail"))
    script = module_from_spec(spec_from_loader("refresh_caniemail", loader))
    loader.exec_module(script)
    raw = {"api_version": "1", "last_update_date": "2030-01-01",
           "nicenames": {"family": {}, "platform": {}, "support": {}, "category": {}},
           "data": [{"slug": "css-x", "title": "x", "category": "css", "url": "u",
                     "description": "long text", "keywords": "k", "last_test_date": "2030-01-01",
                     "notes_by_num": None, "test_url": "t",
                     "stats": {"gmail": {"ios": {"2030-01": "y"}},
                               "samsung-email": {"android": {"1": "n"}}}}]}
    trimmed = script.trim(raw)
    assert trimmed["data"] == [{"slug": "css-x", "title": "x", "category": "css", "url": "u",
                                "last_test_date": "2030-01-01", "notes_by_num": {},
                                "stats": {"gmail": {"ios": {"2030-01": "y"}}}}]
    assert set(trimmed["nicenames"]) == {"family", "platform"}
