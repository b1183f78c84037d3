"""Watch a campaign's inputs and rebuild when they change.

Two threads: one only collects file changes (watchfiles waits until a burst of events has
gone quiet, so an editor's save is one change), the other runs the builds. A change that
arrives during a build marks the next build as wanted; nothing is lost and builds never
overlap.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

log = logging.getLogger(__name__)

# Folders inside a campaign that hold output, not input: rebuilding when `dripcraft build` or
# `export` writes there would only rebuild the same thing.
OUTPUT_DIRS = ("dist", "exports")

# watchfiles yields once no new event has arrived for STEP_MS (an editor's save is a burst of
# writes and renames a few ms apart), or after DEBOUNCE_MS of continuous changes.
STEP_MS = 50
DEBOUNCE_MS = 1600


def watch_roots(campaign_dir: Path) -> list[Path]:
    """The folders whose files feed a build: the campaign, its templates, its article."""
    roots = [Path(campaign_dir)]
    try:
        from dripcraft.settings import load_settings

        article = (Path(campaign_dir) / load_settings(campaign_dir).article).resolve()
        roots.append(article.parent)
    except Exception:  # a broken campaign.yaml is watched via the campaign folder anyway
        pass
    try:
        from dripcraft.templating import template_dirs

        roots.extend(Path(p) for p in template_dirs(campaign_dir))
    except Exception:
        pass
    return _outermost(p for p in roots if p.is_dir())


def _outermost(paths: Iterable[Path]) -> list[Path]:
    """Drop folders already covered by another watched folder (watchfiles is recursive)."""
    resolved = sorted({p.resolve() for p in paths}, key=lambda p: (len(p.parts), str(p)))
    kept: list[Path] = []
    for path in resolved:
        if not any(path.is_relative_to(k) for k in kept):
            kept.append(path)
    return kept


class InputFilter(watchfiles.DefaultFilter):
    """watchfiles' defaults (VCS folders, editor swap files, ...) plus build output folders."""

    def __init__(self, campaign_dir: Path) -> None:
        campaign = Path(campaign_dir).resolve()
        super().__init__(ignore_paths=[str(campaign / d) for d in OUTPUT_DIRS])

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        # Atomic writers (ours included) stage work in dot-folders beside the target.
        if any(part.startswith(".") and (".new-" in part or ".old-" in part)
               for part in Path(path).parts):
            return False
        return super().__call__(change, path)


class Rebuilder:
    """Runs `rebuild(why)` whenever the inputs change, until stop()."""

    def __init__(self, campaign_dir: Path, rebuild: Callable[[str], object],
                 roots: Callable[[], list[Path]] | None = None) -> None:
        self.campaign_dir = Path(campaign_dir)
        self._rebuild = rebuild
        self._roots = roots or (lambda: watch_roots(self.campaign_dir))
        self._stop = threading.Event()
        self._rewatch = threading.Event()
        self._wanted = threading.Event()
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._watched: list[Path] = []
        self._ready = threading.Event()
        self._threads = [
            threading.Thread(target=self._watch_loop, name="dripcraft-watch", daemon=True),
            threading.Thread(target=self._build_loop, name="dripcraft-build", daemon=True),
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()
        # Let the watcher get going before the caller's first build; a save in the instant
        # before watching starts is read by that build anyway.
        self._ready.wait(5)

    def stop(self) -> None:
        self._stop.set()
        self._wanted.set()
        for thread in self._threads:
            if thread.is_alive() and thread is not threading.current_thread():
                thread.join(10)

    @property
    def watched(self) -> list[Path]:
        return list(self._watched)

    def _watch_loop(self) -> None:
        while not self._stop.is_set():
            self._watched = self._roots()
            self._rewatch.clear()
            stop_or_rewatch = _AnyEvent(self._stop, self._rewatch)
            self._ready.set()
            if not self._watched:
                self._stop.wait(1)
                continue
            try:
                for changes in watchfiles.watch(
                    *self._watched, watch_filter=InputFilter(self.campaign_dir),
                    step=STEP_MS, debounce=DEBOUNCE_MS, stop_event=stop_or_rewatch,
                    rust_timeout=1000, yield_on_timeout=False, raise_interrupt=False,
                ):
                    with self._lock:
                        self._pending.update(path for _, path in changes)
                    self._wanted.set()
            except Exception as exc:  # e.g. a watched folder was deleted: watch again
                log.warning("file watcher restarted: %s", exc)
                self._stop.wait(0.5)

    def _build_loop(self) -> None:
        while True:
            self._wanted.wait()
            if self._stop.is_set():
                return
            self._wanted.clear()
            with self._lock:
                changed, self._pending = sorted(self._pending), set()
            try:
                self._rebuild(_describe(changed, self.campaign_dir))
            except Exception:  # rebuild() reports its own failures; never kill the loop
                log.exception("rebuild crashed")
            # The settings may now name another article or template folder.
            if self._roots() != self._watched:
                self._rewatch.set()


def _describe(paths: list[str], campaign_dir: Path) -> str:
    names = []
    for path in paths[:3]:
        try:
            names.append(str(Path(path).resolve().relative_to(Path(campaign_dir).resolve())))
        except ValueError:
            names.append(Path(path).name)
    more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
    return (", ".join(names) + more + " changed") if names else ""


class _AnyEvent:
    """Looks like one event to watchfiles' stop_event, set when either event is set."""

    def __init__(self, *events: threading.Event) -> None:
        self._events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self._events)
