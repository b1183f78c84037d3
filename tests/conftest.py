"""Shared fixtures: a CLI runner, copies of the example campaign, one headless Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "campaigns" / "relational-therapy"
SHARED = ROOT.parent / "shared"
SEED_FULL = SHARED / "seeds" / "000_c157eefbefc9b2a8.txt"
SEED_EXCERPT = SHARED / "seeds" / "001_0f45a1603a1dfd7d.txt"
ARTICLES = Path(__file__).resolve().parent / "articles"
CHROMIUM = os.environ.get("DRIPCRAFT_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner):
    """Run the CLI in-process and return click's Result."""
    from dripcraft.cli import cli

    def run(*args: str | os.PathLike):
        return runner.invoke(cli, [str(a) for a in args])

    return run


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A private copy of the shipped example campaign, without any build output."""
    dest = tmp_path / "relational-therapy"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("dist", "exports"))
    return dest


@pytest.fixture(scope="session")
def example_build(tmp_path_factory) -> Path:
    """The example campaign built once per session; returns its dist folder. Do not modify."""
    from dripcraft.build import build

    dest = tmp_path_factory.mktemp("example") / "relational-therapy"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("dist", "exports"))
    return build(dest).out_dir


@pytest.fixture(scope="session")
def browser():
    """One real headless Chromium (Debian's) for the whole session, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def write_campaign(folder: Path, article: Path, emails: list[dict], **settings) -> Path:
    """A campaign folder around a copy of `article`, with `emails` and any other settings."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"article{article.suffix}"
    shutil.copyfile(article, target)
    data = {"name": folder.name, "article": target.name,
            "links": {"article": "https://example.org/article", "cta": "https://example.org/join"},
            "sender": {"name": "Test Sender", "email": "sender@example.org"},
            "postal_address": "1 Test Street, Testville",
            "emails": emails}
    for key, value in settings.items():
        data[key] = value
    (folder / "campaign.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                                          encoding="utf-8")
    return folder
