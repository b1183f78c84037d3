"""The preview's builds: every attempt goes to a fresh temp folder, the last good one is served.

A rebuild never touches the folder being served, so a request in flight always reads one
complete build, and a failed rebuild leaves the previous one in place. Browsers follow the
`epoch`, which moves on whenever a build starts or ends; the `token` of the served build
changes only with a good build, and that is what makes a page reload.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dripcraft.errors import DripcraftError
from dripcraft.preview.checks import CheckResults, load_checks

log = logging.getLogger(__name__)

# (campaign_dir, out_dir) -> anything; the build writes NN-slug.html/.txt and manifest.json.
BuildFunction = Callable[[Path, Path], Any]

# How many finished builds to keep on disk: the served one and the one before it, which a
# request that started just before the swap may still be reading.
KEEP_BUILDS = 2


def _default_build(campaign_dir: Path, out_dir: Path) -> Any:
    from dripcraft.build import build

    return build(campaign_dir, out_dir)


@dataclass(frozen=True)
class EmailEntry:
    """One email of a served build, as manifest.json describes it."""

    position: int
    slug: str
    theme: str
    subject: str
    preheader: str
    delay_days: int
    send_date: date | None
    words: int
    reading_minutes: int
    html_name: str
    text_name: str

    @classmethod
    def from_manifest(cls, data: dict[str, Any]) -> EmailEntry:
        send_date = data.get("send_date")
        return cls(
            position=int(data["position"]),
            slug=str(data.get("slug", "")),
            theme=str(data.get("theme", "")),
            subject=str(data.get("subject", "")),
            preheader=str(data.get("preheader", "")),
            delay_days=int(data.get("delay_days") or 0),
            send_date=date.fromisoformat(send_date) if send_date else None,
            words=int(data.get("words") or 0),
            reading_minutes=int(data.get("reading_minutes") or 0),
            html_name=str(data["html"]),
            text_name=str(data["text"]),
        )


@dataclass(frozen=True)
class GoodBuild:
    """A complete build on disk, with what the pages need from its manifest."""

    token: str
    out_dir: Path
    campaign_name: str
    sender_name: str
    sender_email: str
    lang: str
    article_url: str
    emails: tuple[EmailEntry, ...]
    checks: CheckResults | None
    finished_at: datetime
    seconds: float

    def email(self, position: int) -> EmailEntry | None:
        return next((e for e in self.emails if e.position == position), None)

    def file(self, relative: str) -> Path | None:
        """The built file at `relative`, or None if it is not a file inside this build."""
        root = self.out_dir.resolve()
        candidate = (root / relative).resolve()
        if candidate == root or not candidate.is_relative_to(root) or not candidate.is_file():
            return None
        return candidate

    def read_text(self, name: str) -> str:
        path = self.file(name)
        return path.read_text(encoding="utf-8") if path else ""


@dataclass(frozen=True)
class BuildFailure:
    """Why the latest rebuild failed, in the terms of the user's own files."""

    reason: str
    file: str | None = None
    line: int | None = None
    hint: str | None = None
    kind: str = "DripcraftError"
    finished_at: datetime = field(default_factory=datetime.now)

    @property
    def location(self) -> str:
        if not self.file:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "reason": self.reason, "hint": self.hint,
                "kind": self.kind, "location": self.location}


@dataclass(frozen=True)
class Status:
    epoch: int
    token: str
    building: bool
    failure: BuildFailure | None

    def to_json(self) -> dict[str, Any]:
        return {"epoch": self.epoch, "build": self.token, "building": self.building,
                "error": self.failure.to_json() if self.failure else None}


NO_BUILD = "none"


class LiveBuild:
    """Rebuilds a campaign on demand and hands out the last good build and the latest error."""

    def __init__(self, campaign_dir: Path, work_dir: Path, build_fn: BuildFunction | None = None,
                 report: Callable[[str], None] | None = None) -> None:
        self.campaign_dir = Path(campaign_dir)
        self.work_dir = Path(work_dir)
        self._build_fn = build_fn or _default_build
        self._report = report or (lambda message: None)
        # Distinguishes this server's builds from a previous run's, so a page that outlived a
        # restart of `dripcraft preview` reloads instead of waiting for a matching number.
        self._instance = uuid.uuid4().hex[:8]
        self._changed = threading.Condition()
        self._build_lock = threading.Lock()
        self._attempts = 0
        self._epoch = 0
        # A first build is always on its way: pages requested before it starts wait for it.
        self._building = True
        self._closed = False
        self.good: GoodBuild | None = None
        self.failure: BuildFailure | None = None

    # -- building ------------------------------------------------------------------------

    def rebuild(self, why: str = "") -> Status:
        """Build once; on success serve the new build, on failure keep the old one."""
        # The first build and the watcher's builds come from different threads; one at a time.
        with self._build_lock:
            return self._rebuild(why)

    def _rebuild(self, why: str) -> Status:
        with self._changed:
            self._attempts += 1
            attempt = self._attempts
            self._building = True
            self._epoch += 1
            self._changed.notify_all()
        out_dir = self.work_dir / f"build-{attempt:04d}"
        started = time.perf_counter()
        good: GoodBuild | None = None
        failure: BuildFailure | None = None
        try:
            result = self._build_fn(self.campaign_dir, out_dir)
            built_dir = Path(getattr(result, "out_dir", None) or out_dir)
            good = self._read_build(built_dir, result, f"{self._instance}-{attempt}",
                                    time.perf_counter() - started)
        except DripcraftError as exc:
            failure = self._failure_from_user_error(exc)
        except Exception as exc:  # a bug or an unwrapped library error: keep serving anyway
            failure = self._failure_from_exception(exc)
            self._report(traceback.format_exc().rstrip())
        if failure is not None:
            shutil.rmtree(out_dir, ignore_errors=True)
        with self._changed:
            if good is not None:
                self.good, self.failure = good, None
            else:
                self.failure = failure
            self._building = False
            self._epoch += 1
            self._changed.notify_all()
        self._prune()
        if good is not None:
            self._report(f"Built {len(good.emails)} emails in {good.seconds:.2f} s"
                         + (f" ({why})" if why else ""))
        elif failure is not None:
            where = f"{failure.location}: " if failure.location else ""
            self._report(f"Build failed: {where}{failure.reason}"
                         + (f" ({failure.hint})" if failure.hint else "")
                         + ("; still serving the last good build" if self.good else ""))
        return self.status()

    def _read_build(self, out_dir: Path, result: Any, token: str, seconds: float) -> GoodBuild:
        manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        campaign = manifest.get("campaign") or {}
        sender = campaign.get("sender") or {}
        emails = tuple(sorted((EmailEntry.from_manifest(e) for e in manifest.get("emails", [])),
                              key=lambda e: e.position))
        return GoodBuild(
            token=token,
            out_dir=out_dir,
            campaign_name=str(campaign.get("name") or campaign.get("slug") or
                              self.campaign_dir.name),
            sender_name=str(sender.get("name") or ""),
            sender_email=str(sender.get("email") or ""),
            lang=str(campaign.get("lang") or "en"),
            article_url=str(campaign.get("article_url") or ""),
            emails=emails,
            checks=load_checks(result, out_dir, emails, report=self._report),
            finished_at=datetime.now(),
            seconds=seconds,
        )

    def _display_path(self, path: Path | str | None) -> str | None:
        if path is None:
            return None
        path = Path(path)
        try:
            return str(path.resolve().relative_to(self.campaign_dir.resolve()))
        except ValueError:
            return str(path)

    def _failure_from_user_error(self, exc: DripcraftError) -> BuildFailure:
        return BuildFailure(reason=exc.reason, file=self._display_path(exc.path), line=exc.line,
                            hint=exc.hint, kind=type(exc).__name__)

    def _failure_from_exception(self, exc: Exception) -> BuildFailure:
        # Library errors that know their place (Jinja's syntax errors, YAML's marks) keep it.
        file = getattr(exc, "filename", None)
        line = getattr(exc, "lineno", None)
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            line = mark.line + 1
            name = getattr(mark, "name", "")
            file = file or (name if name and not name.startswith("<") else None)
        return BuildFailure(
            reason=f"{type(exc).__name__}: {exc}",
            file=self._display_path(file) if file else None,
            line=line if isinstance(line, int) else None,
            hint="unexpected error; the terminal running `dripcraft preview` shows the traceback",
            kind=type(exc).__name__,
        )

    def _prune(self) -> None:
        keep = {self.good.out_dir.name} if self.good else set()
        finished = sorted(p for p in self.work_dir.glob("build-*") if p.is_dir())
        keep.update(p.name for p in finished[-KEEP_BUILDS:])
        for path in finished:
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)

    # -- watching from the browser ------------------------------------------------------

    def status(self) -> Status:
        return self.snapshot()[0]

    def snapshot(self) -> tuple[Status, GoodBuild | None]:
        """The status and the build it describes, taken together: a page rendered from one
        build must carry that build's token, or it would miss the reload to the next."""
        with self._changed:
            status = Status(epoch=self._epoch, token=self.good.token if self.good else NO_BUILD,
                            building=self._building, failure=self.failure)
            return status, self.good

    def wait_for_change(self, since_epoch: int, timeout: float) -> Status:
        """Block until the epoch moves off `since_epoch` (or the timeout, or close())."""
        with self._changed:
            self._changed.wait_for(lambda: self._epoch != since_epoch or self._closed, timeout)
        return self.status()

    def wait_until_built(self, timeout: float) -> None:
        """Let a page request wait for a rebuild in progress, so it shows the new build."""
        with self._changed:
            self._changed.wait_for(lambda: not self._building or self._closed, timeout)

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()
