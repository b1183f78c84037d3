"""Benchmark the build, as ratios to baselines measured in the same run.

    make bench            (or: .venv/bin/python bench/run.py)

Rows:
- warm build of the example campaign in-process (read, split, render, inline, write 5 emails),
  against the floor: the same read + split + Jinja render + write with CSS inlining skipped;
- cold `dripcraft build` as a whole process, against `python -c "import jinja2"`.
Medians of repeated runs; machine noise of ~30 % between runs is normal here.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "campaigns" / "relational-therapy"


def median_ms(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    from dripcraft.build import build

    work = Path(tempfile.mkdtemp())
    campaign = work / "campaign"
    shutil.copytree(EXAMPLE, campaign, ignore=shutil.ignore_patterns("dist", "exports"))
    full = median_ms(lambda: build(campaign, work / "out"), 15)
    with mock.patch("dripcraft.render.inline_css", lambda html: html):
        floor = median_ms(lambda: build(campaign, work / "out"), 15)

    def cold(args: list[str]) -> float:
        return median_ms(lambda: subprocess.run(args, check=True, capture_output=True), 7)

    cli = cold([sys.executable, "-m", "dripcraft", "build", str(campaign), "--out",
                str(work / "cli")])
    baseline = cold([sys.executable, "-c", "import jinja2"])
    shutil.rmtree(work)
    print(f"{'case':<52} {'median ms':>10} {'ratio':>7}")
    print(f"{'floor: read+split+render+write, no inlining (5 emails)':<52} {floor:>10.1f} {1:>6.1f}x")
    print(f"{'build in-process, premailer inlining (5 emails)':<52} {full:>10.1f} {full / floor:>6.1f}x")
    print(f"{'baseline: python -c import jinja2':<52} {baseline:>10.1f} {1:>6.1f}x")
    print(f"{'dripcraft build, whole process (5 emails)':<52} {cli:>10.1f} {cli / baseline:>6.1f}x")


if __name__ == "__main__":
    main()
