"""Export platforms: a registry of plugins, one module per platform."""

from __future__ import annotations

import importlib
import pkgutil
from importlib.metadata import entry_points
from pathlib import Path

import click

from dripcraft.errors import ExportError
from dripcraft.exporters.base import Exporter
from dripcraft.fsutil import replace_dir

ENTRY_POINT_GROUP = "dripcraft.exporters"


def registry() -> dict[str, type[Exporter]]:
    """Every known exporter by name: built-in modules first, then installed plugins."""
    found: dict[str, type[Exporter]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Exporter)
                    and value is not Exporter and value.__module__ == module.__name__
                    and getattr(value, "name", None)):
                found[value.name] = value
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep.load())
    return dict(sorted(found.items()))


def get_exporter(name: str) -> Exporter:
    known = registry()
    if name not in known:
        raise ExportError(f"unknown platform {name!r}",
                          hint="choose one of: " + ", ".join([*known, "all"]))
    return known[name]()


def export(campaign_dir: Path, platform: str, out_dir: Path | None = None) -> list[Path]:
    """Render the campaign and write one folder per platform under `out_dir`."""
    from dripcraft.build import render_campaign

    names = list(registry()) if platform == "all" else [platform]
    exporters = [get_exporter(n) for n in names]  # fail on a bad name before any work
    campaign = render_campaign(Path(campaign_dir))
    out_dir = Path(out_dir) if out_dir else Path(campaign_dir) / "exports"
    written = []
    for exporter in exporters:
        with replace_dir(out_dir / exporter.name) as staging:
            exporter.write(campaign, staging)
        written.append(out_dir / exporter.name)
    return written


def run_export_command(campaign_dir: Path, platform: str | None, out_dir: Path | None, *,
                       list_only: bool) -> None:
    if list_only:
        for name, cls in registry().items():
            click.echo(f"{name:<10} {cls.summary}")
        return
    if not platform:
        raise ExportError("no platform given", hint="use --to PLATFORM or --to all; "
                          "see `dripcraft export --list`")
    for path in export(campaign_dir, platform, out_dir):
        click.echo(f"Wrote {path}")
