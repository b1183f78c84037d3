"""Bad input: one `Error:` line naming the file (and line), exit code 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest


def _error(result, *fragments: str) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def test_missing_article(example: Path, invoke):
    (example / "article.md").unlink()
    _error(invoke("build", example), "article.md", "article file not found")


def test_empty_article(example: Path, invoke):
    (example / "article.md").write_text("---\ntitle: Nothing here\n---\n\n", encoding="utf-8")
    _error(invoke("build", example), "article.md", "no text")


def test_binary_article(example: Path, invoke):
    (example / "article.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    _error(invoke("plan", example), "article.md", "binary file")


def test_non_utf8_article(example: Path, invoke):
    (example / "article.md").write_bytes("---\ntitle: x\n---\n\nline two\ncaf\xe9\n".encode("latin-1"))
    _error(invoke("build", example), "article.md:6:", "not UTF-8", "save the file as UTF-8")


def test_malformed_yaml_names_its_line(example: Path, invoke):
    settings = example / "campaign.yaml"
    lines = settings.read_text(encoding="utf-8").splitlines()
    lines[3] = "slug: [unclosed"
    settings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _error(invoke("build", example), "campaign.yaml:", "malformed YAML")
    assert message.split("campaign.yaml:")[1].split(":")[0] in {"4", "5"}


def test_misspelt_key_suggests_the_right_one(example: Path, invoke):
    settings = example / "campaign.yaml"
    text = settings.read_text(encoding="utf-8").replace("postal_address:", "postal_adress:")
    settings.write_text(text, encoding="utf-8")
    line = next(n for n, l in enumerate(text.splitlines(), 1) if l.startswith("postal_adress"))
    _error(invoke("build", example), f"campaign.yaml:{line}:", "'postal_adress': unknown setting",
           "did you mean 'postal_address'?")


def test_unknown_email_key(example: Path, invoke):
    settings = example / "campaign.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "    delay_days: 3\n", "    delay_days: 3\n    subjekt: Hello\n"), encoding="utf-8")
    _error(invoke("plan", example), "campaign.yaml:", "'emails -> 2 -> subjekt': unknown setting",
           "did you mean 'subject'?")


def test_theme_without_keywords(example: Path, invoke):
    settings = example / "campaign.yaml"
    text = settings.read_text(encoding="utf-8")
    start = text.index("  - theme: values")
    end = text.index("\n", text.index("keywords:", start))
    settings.write_text(text[:start] + "  - theme: values" + text[end:], encoding="utf-8")
    _error(invoke("build", example), "campaign.yaml:", "'emails -> 3 (values)'",
           "the theme has no keywords", "add `keywords:")


def test_template_syntax_error_names_template_and_line(example: Path, invoke):
    (example / "templates").mkdir()
    (example / "templates" / "_footer.html.j2").write_text("<tr>\n<td>\n{% if %}\n</td></tr>\n")
    _error(invoke("build", example), "_footer.html.j2:3:", "template syntax error")


def test_bad_value_types(example: Path, invoke):
    settings = example / "campaign.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "start_date: 2027-01-11", "start_date: next monday"), encoding="utf-8")
    _error(invoke("build", example), "campaign.yaml:", "'schedule.start_date'", "YYYY-MM-DD")


def test_missing_campaign_folder(tmp_path: Path, invoke):
    _error(invoke("build", tmp_path / "nope"), "nope", "campaign folder not found")


def test_debug_shows_the_traceback(example: Path, invoke):
    (example / "article.md").unlink()
    result = invoke("--debug", "build", example)
    assert result.exit_code == 2 and "Traceback" in result.output


@pytest.mark.parametrize("command", ["init", "plan", "build", "preview", "check", "export",
                                     "send-test"])
def test_every_command_has_help(invoke, command):
    result = invoke(command, "--help")
    assert result.exit_code == 0 and "Usage: " in result.output and "CAMPAIGN_DIR" in result.output


def test_version(invoke):
    from dripcraft import __version__

    result = invoke("--version")
    assert result.exit_code == 0 and __version__ in result.output
