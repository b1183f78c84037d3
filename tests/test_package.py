"""The wheel carries the default theme, so an installed dripcraft works outside the repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import EXAMPLE, ROOT


def test_installed_wheel_builds_a_campaign_outside_the_repo(tmp_path: Path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(wheels), str(ROOT)], check=True)
    wheel = next(wheels.glob("dripcraft-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for template in ("email.html.j2", "email.txt.j2", "email.css.j2", "email-head.css.j2"):
        assert f"dripcraft/templates/{template}" in names
    assert "dripcraft/preview/static/live.js" in names
    assert "dripcraft/data/caniemail.json" in names

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    campaign = tmp_path / "work" / "campaign"
    shutil.copytree(EXAMPLE, campaign, ignore=shutil.ignore_patterns("dist", "exports"))
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run([sys.executable, "-c", "import dripcraft; print(dripcraft.__file__)"],
                           cwd=campaign.parent, env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.strip().startswith(str(site))
    result = subprocess.run([sys.executable, "-m", "dripcraft", "build", "campaign"],
                            cwd=campaign.parent, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert len(list((campaign / "dist").glob("*.html"))) == 5
