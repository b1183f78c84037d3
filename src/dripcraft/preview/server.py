"""The preview's HTTP server: stdlib threads, loopback by default, one temp build folder.

`PreviewServer` is what `dripcraft preview` runs and what tests start on a free port:

    with PreviewServer(campaign_dir, port=0) as server:
        ...  # server.url, server.live (the builds), server.rebuilder (the watcher)

`serve()` is the command: it prints the URL, rebuilds on every save and stops on Ctrl-C.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import shutil
import signal
import socket
import tempfile
import threading
import webbrowser
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from dripcraft.errors import ConfigError, DripcraftError
from dripcraft.preview.app import PreviewApp, Response
from dripcraft.preview.site import BuildFunction, LiveBuild
from dripcraft.preview.watcher import Rebuilder

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
SETTINGS_FILE = "campaign.yaml"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Restarting the preview must not wait out the last run's TIME_WAIT sockets. On Linux
    # this still refuses a second live listener, so two previews cannot share a port.
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: PreviewApp, check_host: bool) -> None:
        self.app = app
        self.check_host = check_host
        host = address[0]
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "dripcraft-preview"
    # Headers and body go out as two writes; without this, Nagle + delayed ACK add ~40 ms.
    disable_nagle_algorithm = True
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._send(self._respond(), body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._send(self._respond(), body=False)

    def _respond(self) -> Response:
        if self.server.check_host and not self._host_is_local():
            # A page on another site that rebinds its DNS name to 127.0.0.1 must not be
            # able to read the drafts: loopback servers only answer to loopback names.
            return Response(HTTPStatus.MISDIRECTED_REQUEST, b"Unknown host\n",
                            "text/plain; charset=utf-8")
        try:
            return self.server.app.respond(self.path)
        except Exception:
            log.exception("error serving %r", self.path)
            return Response(HTTPStatus.INTERNAL_SERVER_ERROR, b"Internal error in the preview\n",
                            "text/plain; charset=utf-8")

    def _host_is_local(self) -> bool:
        host = self.headers.get("Host", "")
        if not host:
            return True  # HTTP/1.0 tools; browsers (the rebinding risk) always send Host
        if host.startswith("["):
            name = host[1:].split("]", 1)[0]
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return name.lower() in LOOPBACK_NAMES or is_loopback(name)

    def _send(self, response: Response, *, body: bool) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        # Every answer reflects the build of the moment; nothing may be cached.
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            try:
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the browser navigated away mid-answer (usual for long-polls)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("%s %s", self.address_string(), format % args)


class PreviewServer:
    """Build a campaign into a temp folder, serve it, rebuild on change; stop() cleans up."""

    def __init__(self, campaign_dir: Path, *, host: str = DEFAULT_HOST, port: int = 0,
                 build_fn: BuildFunction | None = None, watch: bool = True,
                 report: Callable[[str], None] | None = None) -> None:
        self.campaign_dir = Path(campaign_dir)
        self.host = host
        self.port = port
        self.watch = watch
        self._build_fn = build_fn
        self._report = report or (lambda message: None)
        self._work_dir: Path | None = None
        self._httpd: _Server | None = None
        self._http_thread: threading.Thread | None = None
        self.live: LiveBuild | None = None
        self.app: PreviewApp | None = None
        self.rebuilder: Rebuilder | None = None

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the preview server is not listening")
        host, port = self._httpd.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"

    @property
    def address(self) -> tuple[str, int]:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return host, port

    @property
    def work_dir(self) -> Path | None:
        return self._work_dir

    def listen(self) -> PreviewServer:
        """Check the campaign, bind the socket and answer requests (pages wait for a build)."""
        if not self.campaign_dir.is_dir():
            raise ConfigError("campaign folder not found", path=self.campaign_dir,
                              hint="pass the folder that holds campaign.yaml")
        if not (self.campaign_dir / SETTINGS_FILE).is_file():
            raise ConfigError(f"no {SETTINGS_FILE} in this folder", path=self.campaign_dir,
                              hint="run `dripcraft init` first, or pass the campaign folder")
        self._work_dir = Path(tempfile.mkdtemp(prefix="dripcraft-preview-"))
        self.live = LiveBuild(self.campaign_dir, self._work_dir, self._build_fn, self._report)
        self.app = PreviewApp(self.live)
        try:
            self._httpd = _Server((self.host, self.port), self.app,
                                  check_host=is_loopback(self.host))
        except OSError as exc:
            self._remove_work_dir()
            hint = ("pass --port 0 to pick a free port" if self.port else
                    "pass another --host")
            raise DripcraftError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}",
                                 hint=hint) from exc
        self._http_thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.2},
            name="dripcraft-http", daemon=True)
        self._http_thread.start()
        return self

    def run(self) -> PreviewServer:
        """Start watching, then build once (returns when the first build has finished)."""
        assert self.live is not None, "listen() first"
        if self.watch:
            # Watch before the first build so a save during it is not missed.
            self.rebuilder = Rebuilder(self.campaign_dir, self.live.rebuild)
            self.rebuilder.start()
        self.live.rebuild("first build")
        return self

    def start(self) -> PreviewServer:
        return self.listen().run()

    def stop(self) -> None:
        """Stop watching and serving, end waiting long-polls, delete the temp builds."""
        if self.rebuilder is not None:
            self.rebuilder.stop()
            self.rebuilder = None
        if self.live is not None:
            self.live.close()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            if self._http_thread is not None:
                self._http_thread.join(5)
            self._httpd = None
        self._remove_work_dir()

    def _remove_work_dir(self) -> None:
        if self._work_dir is not None:
            shutil.rmtree(self._work_dir, ignore_errors=True)
            self._work_dir = None

    def __enter__(self) -> PreviewServer:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def render_path(campaign_dir: Path, path: str, *, build_fn: BuildFunction | None = None
                ) -> Response:
    """Build once and answer one request without a socket (`dripcraft preview --get PATH`)."""
    work_dir = Path(tempfile.mkdtemp(prefix="dripcraft-preview-"))
    try:
        live = LiveBuild(Path(campaign_dir), work_dir, build_fn)
        live.rebuild()
        if live.good is None and live.failure is not None:
            failure = live.failure
            raise DripcraftError(failure.reason, path=failure.file and
                                 Path(campaign_dir) / failure.file,
                                 line=failure.line, hint=failure.hint)
        live.close()
        return PreviewApp(live).respond(path)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def serve(campaign_dir: Path, *, host: str = DEFAULT_HOST, port: int = 8025,
          open_browser: bool = False) -> None:
    """Run `dripcraft preview` until Ctrl-C."""
    import click

    # premailer's default LFU cache fills with stale stylesheets after a few template edits in
    # one long process, and every rebuild then pays a full CSS parse (../shared/reference/
    # inliners.md); an LRU cache keeps rebuilds fast. Read when premailer is first imported.
    os.environ.setdefault("PREMAILER_CACHE", "LRU")

    def report(message: str) -> None:
        click.echo(message, err=True)

    server = PreviewServer(Path(campaign_dir), host=host, port=port, report=report)
    previous_sigterm = None
    if threading.current_thread() is threading.main_thread():
        # A service manager's stop should clean up like Ctrl-C does.
        previous_sigterm = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        server.listen()
        click.echo(f"Previewing {campaign_dir} at {server.url}  (Ctrl-C to stop)")
        if not is_loopback(host):
            click.echo(f"Warning: listening on {host}: anyone who can reach this machine can "
                       "read these drafts.", err=True)
        server.run()
        if server.rebuilder is not None:
            watched = ", ".join(str(p) for p in server.rebuilder.watched)
            click.echo(f"Watching {watched}", err=True)
        if open_browser:
            webbrowser.open(server.url)
        forever = threading.Event()
        while not forever.wait(1):
            pass
    except KeyboardInterrupt:
        click.echo("Stopping the preview.", err=True)
    finally:
        server.stop()
        if previous_sigterm is not None:
            signal.signal(signal.SIGTERM, previous_sigterm)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
