"""Jinja2, wrapped: the template search path and the environment the renderer uses.

Search order: the campaign's own `templates/`, the repository's top-level `templates/`
(a source checkout), then the copy packaged inside the wheel. A file found earlier wins, so
a campaign overrides the theme one file at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jinja2

from dripcraft.errors import TemplateError

_PACKAGE = Path(__file__).resolve().parent
PACKAGED_TEMPLATES = _PACKAGE / "templates"
REPO_TEMPLATES = _PACKAGE.parent.parent / "templates"


def template_dirs(campaign_dir: Path) -> list[Path]:
    """Existing template folders, most specific first."""
    candidates = [Path(campaign_dir) / "templates", REPO_TEMPLATES, PACKAGED_TEMPLATES]
    seen: list[Path] = []
    for folder in candidates:
        if folder.is_dir() and folder.resolve() not in [s.resolve() for s in seen]:
            seen.append(folder)
    return seen


_environments: dict[tuple[Path, ...], jinja2.Environment] = {}


def environment(campaign_dir: Path, filters: dict[str, Callable] | None = None
                ) -> jinja2.Environment:
    """The Jinja2 environment for a campaign's search path, reused across builds.

    Reuse keeps compiled templates between the preview's rebuilds; Jinja2 still checks each
    file's modification time, so an edited template is compiled again.
    """
    dirs = template_dirs(campaign_dir)
    if not dirs:
        raise TemplateError("no template folder found", path=campaign_dir,
                            hint="reinstall dripcraft; its default theme is missing")
    key = tuple(d.resolve() for d in dirs)
    if key not in _environments:
        if len(_environments) >= 32:  # a long-lived process seeing many campaigns
            _environments.clear()
        _environments[key] = _new_environment(dirs)
    env = _environments[key]
    env.filters.update(filters or {})
    return env


def _new_environment(dirs: list[Path]) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        # Only HTML templates escape; the text part and the stylesheet are not HTML.
        autoescape=lambda name: name is None or name.endswith((".html.j2", ".html")),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(env: jinja2.Environment, name: str, context: dict) -> str:
    """Render one template; syntax and runtime errors name the template file and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error: {exc.message}",
                            path=exc.filename or exc.name or name, line=exc.lineno,
                            hint="fix the template, or delete it to use the default") from exc
    except jinja2.TemplateNotFound as exc:
        searched = ", ".join(str(d) for d in env.loader.searchpath)  # type: ignore[union-attr]
        raise TemplateError(f"template {exc.name!r} not found", path=name,
                            hint=f"searched {searched}") from exc
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"template error: {exc.message}", path=_failing_template(exc, name),
                            line=_failing_line(exc)) from exc


def _failing_template(exc: BaseException, default: str) -> str:
    tb = exc.__traceback__
    found = default
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".j2", ".html", ".txt", ".css")):
            found = filename
        tb = tb.tb_next
    return found


def _failing_line(exc: BaseException) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith((".j2", ".html", ".txt", ".css")):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
