"""The schedule manifest: schedule.csv, schedule.json and the SETUP.md checklist."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest

from dripcraft import merge
from dripcraft.exporters.manifest import COLUMNS, csv_text
from test_export_common import INJECTED_SUBJECT, configure

TYPES = {"position": int, "slug": str, "theme": str, "delay_days": int,
         "days_after_previous": int, "send_date": str, "subject": str, "preheader": str,
         "html": str, "text": str, "eml": str, "words": int, "reading_minutes": int}


def export(invoke, campaign, out, platform="manifest"):
    result = invoke("export", campaign, "--to", platform, "--out", out)
    assert result.exit_code == 0, result.output
    return out / "manifest"


@pytest.fixture
def campaign(example):
    return configure(example)


def test_json_and_csv_hold_the_same_schedule(invoke, campaign, tmp_path):
    from dripcraft.build import build

    dist = build(campaign, tmp_path / "dist").out_dir
    folder = export(invoke, campaign, tmp_path / "out")
    raw = (folder / "schedule.json").read_bytes()
    assert raw.endswith(b"}\n") and merge.OPEN.encode() not in raw
    data = json.loads(raw.decode("utf-8"))
    assert data["campaign"]["slug"] == "relational-therapy"
    assert data["campaign"]["start_date"] == "2027-01-11"
    assert data["campaign"]["sender"] == {"name": "Kaitlin at Kindman & Co.",
                                          "email": "news@example.com"}
    emails = data["emails"]
    built = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))["emails"]
    assert [e["position"] for e in emails] == list(range(1, len(emails) + 1))
    assert len(emails) == len(built)
    previous = 0
    for record, b in zip(emails, built):
        assert list(record) == list(COLUMNS)
        assert all(isinstance(record[k], t) for k, t in TYPES.items()), record
        assert record["delay_days"] >= previous
        assert record["days_after_previous"] == record["delay_days"] - previous
        previous = record["delay_days"]
        assert record["send_date"] == (date(2027, 1, 11)
                                       + timedelta(record["delay_days"])).isoformat()
        for key in ("subject", "preheader", "html", "text", "send_date", "delay_days"):
            assert record[key] == b[key], key
        assert (dist / record["html"]).is_file() and (dist / record["text"]).is_file()

    csv_bytes = (folder / "schedule.csv").read_bytes()
    assert csv_bytes.count(b"\r\n") == csv_bytes.count(b"\n")  # RFC 4180 line ends
    rows = list(csv.DictReader(io.StringIO(csv_bytes.decode("utf-8"), newline="")))
    assert [tuple(r) for r in rows] == [COLUMNS] * len(emails)
    for row, record in zip(rows, emails):
        assert row == {k: "" if v is None else str(v) for k, v in record.items()}


def test_eml_names_in_the_manifest_are_the_eml_export(invoke, campaign, tmp_path):
    export(invoke, campaign, tmp_path / "out", "eml")
    data = json.loads((export(invoke, campaign, tmp_path / "out") / "schedule.json")
                      .read_text(encoding="utf-8"))
    assert sorted(e["eml"] for e in data["emails"]) == \
        sorted(p.name for p in (tmp_path / "out" / "eml").glob("*.eml"))


def test_setup_checklist_walks_through_every_email_and_delay(invoke, campaign, tmp_path):
    folder = export(invoke, campaign, tmp_path / "out")
    setup = (folder / "SETUP.md").read_text(encoding="utf-8")
    emails = json.loads((folder / "schedule.json").read_text(encoding="utf-8"))["emails"]
    position = -1
    for record in emails:
        at = setup.index(f"Email {record['position']} (")
        assert at > position  # in send order
        position = at
        assert record["subject"] in setup and record["html"] in setup
        if record["days_after_previous"]:
            assert f"wait {record['days_after_previous']} day" in setup
    assert "news@example.com" in setup and "List-Unsubscribe" in setup
    assert "Not verified" in setup


def test_text_from_the_campaign_stays_exact_and_never_a_formula(invoke, example, tmp_path):
    campaign = configure(example, inject=True)
    folder = export(invoke, campaign, tmp_path / "out")
    emails = json.loads((folder / "schedule.json").read_text(encoding="utf-8"))["emails"]
    assert INJECTED_SUBJECT in [e["subject"] for e in emails]  # JSON is data: kept exact
    record = dict(emails[0], subject="=HYPERLINK(\"https://evil.example\")", preheader="@SUM(1)")
    row = next(csv.DictReader(io.StringIO(csv_text([record]), newline="")))
    assert row["subject"] == "'=HYPERLINK(\"https://evil.example\")"
    assert row["preheader"] == "'@SUM(1)"
    assert row["position"] == str(record["position"])


def test_same_input_same_bytes(invoke, campaign, tmp_path):
    first, second = export(invoke, campaign, tmp_path / "a"), export(invoke, campaign,
                                                                     tmp_path / "b")
    for name in ("schedule.csv", "schedule.json", "SETUP.md"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
