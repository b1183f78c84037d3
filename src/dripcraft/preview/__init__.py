"""Live-reloading browser preview of a campaign's whole sequence (`dripcraft preview`).

    server.py       the HTTP server, the temp build folder, `serve()` for the CLI
    app.py          routes and pages, as a function of the request target
    site.py         the builds: last good one, latest failure, epochs for the browser
    watcher.py      file watching and debounced rebuilds
    colorscheme.py  light / authored-dark rendering of an email for the preview frame
    checks.py       optional per-email check findings
    templates/, static/   the preview's own pages, CSS and JS (package data)
"""

from __future__ import annotations

from dripcraft.preview.server import PreviewServer, render_path, serve

__all__ = ["PreviewServer", "render_path", "serve"]
