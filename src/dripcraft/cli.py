"""The command line: each command parses its options and calls one function.

Stage modules are imported inside the commands so that `--help` stays fast.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from dripcraft import __version__

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

campaign_argument = click.argument(
    "campaign_dir", metavar="CAMPAIGN_DIR",
    type=click.Path(file_okay=False, path_type=Path),
)


class DripcraftGroup(click.Group):
    """Turns unexpected exceptions into one line unless --debug asks for the traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            if ctx.meta.get("dripcraft.debug"):
                traceback.print_exc()
            raise
        except Exception as exc:  # a bug, not a user mistake: keep the message, hide the trace
            if ctx.meta.get("dripcraft.debug"):
                raise
            click.echo(f"Error: unexpected {type(exc).__name__}: {exc} "
                       "(run again with --debug for the traceback)", err=True)
            sys.exit(1)


@click.group(cls=DripcraftGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="dripcraft")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Turn one long article into a themed drip sequence of marketing emails.

    \b
    Typical session:
      dripcraft init campaigns/spring --article post.md --themes burnout,values,play
      dripcraft plan campaigns/spring
      dripcraft build campaigns/spring
      dripcraft check campaigns/spring
      dripcraft export campaigns/spring --to all
    """
    ctx.meta["dripcraft.debug"] = debug


@cli.command("init")
@campaign_argument
@click.option("--article", "article_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The long article: Markdown (.md), plain text (.txt) or saved HTML (.html).")
@click.option("--themes", default=None, metavar="A,B,C",
              help="Comma-separated theme names. Omitted: themes are proposed from the article.")
@click.option("--force", is_flag=True, help="Overwrite an existing campaign.yaml and article.md.")
def init_command(campaign_dir: Path, article_path: Path, themes: str | None, force: bool) -> None:
    """Scaffold a campaign folder from an article.

    Writes the article as clean Markdown with front matter and a commented campaign.yaml
    whose emails, keywords and delays you can then edit.

    \b
    Example:
      dripcraft init campaigns/spring --article post.txt --themes burnout,values,play
    """
    from dripcraft.scaffold import init_campaign

    theme_names = [t.strip() for t in themes.split(",") if t.strip()] if themes else None
    result = init_campaign(campaign_dir, article_path, theme_names, force=force)
    click.echo(f"Wrote {result.article_path} and {result.settings_path}")
    click.echo(f"Next: edit the themes in {result.settings_path}, then "
               f"`dripcraft plan {campaign_dir}`")


@cli.command("plan")
@campaign_argument
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
def plan_command(campaign_dir: Path, as_json: bool) -> None:
    """Show how the article is divided into emails, and why.

    For every email: theme, subject, preheader, send day, words, source headings, score,
    and what was left out with the reason.
    """
    from dripcraft.plan import format_plan, load_plan, plan_to_json

    plan = load_plan(campaign_dir)
    click.echo(plan_to_json(plan) if as_json else format_plan(plan), nl=not as_json)


@cli.command("build")
@campaign_argument
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: CAMPAIGN_DIR/dist). Replaced atomically.")
def build_command(campaign_dir: Path, out_dir: Path | None) -> None:
    """Render every email to HTML (CSS inlined) and plain text, plus manifest.json."""
    from dripcraft.build import build

    result = build(campaign_dir, out_dir, progress=_progress)
    click.echo(f"Built {len(result.campaign.emails)} emails into {result.out_dir}")
    if result.check_summary:
        click.echo(result.check_summary)


@cli.command("preview")
@campaign_argument
@click.option("--port", default=8025, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0 picks a free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Anything but loopback exposes your drafts to the network.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@click.option("--get", "get_path", default=None, metavar="PATH",
              help="Build once, print the page at PATH (e.g. / or /email/2) and exit, "
                   "without starting a server. Exit 1 if PATH is not found.")
def preview_command(campaign_dir: Path, port: int, host: str, open_browser: bool,
                    get_path: str | None) -> None:
    """Serve a live-reloading browser preview of the whole sequence.

    The inbox lists every email in send order as phones and webmail show them; each email
    opens at phone or desktop width, light or in its own dark mode, as plain text or HTML
    source. Saving the article, campaign.yaml or a template rebuilds and reloads open pages;
    a failed rebuild keeps the last good one on screen and shows the error.

    \b
    Example:
      dripcraft preview campaigns/spring --open
    """
    if get_path is not None:
        from dripcraft.preview import render_path

        response = render_path(campaign_dir, get_path)
        click.echo(response.body.decode("utf-8"), nl=False)
        if response.status >= 400:
            sys.exit(1)
        return
    from dripcraft.preview import serve

    serve(campaign_dir, host=host, port=port, open_browser=open_browser)


@cli.command("check")
@campaign_argument
@click.option("--json", "as_json", is_flag=True,
              help="Print the whole report as JSON (shape: dripcraft.check.REPORT_SCHEMA).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("-v", "--verbose", is_flag=True, help="List info findings too, not just counts.")
@click.option("--rules", is_flag=True, is_eager=True, expose_value=False,
              callback=lambda ctx, _param, value: _print_rules(ctx) if value else None,
              help="List every rule id with its default severity and exit.")
def check_command(campaign_dir: Path, as_json: bool, strict: bool, verbose: bool) -> None:
    """Lint the sequence: size, accessibility, links, compliance, copy, plain text,
    client compatibility (caniemail data), and the sequence as a whole.

    Builds the current source into a temporary folder first (CAMPAIGN_DIR/dist is neither
    read nor changed), so the report always matches the article, settings and templates.
    The report lists each email's findings, then the sequence's; info findings are counted
    unless --verbose. Turn rules off or change their level in campaign.yaml, e.g.
    `checks: {a11y/link-text: off, copy/caps: error}`.

    Exit 0 when clean or warnings only, 1 on errors (with --strict, on warnings too).
    """
    from dripcraft.check import run_check_command

    run_check_command(campaign_dir, as_json=as_json, strict=strict, verbose=verbose)


def _print_rules(ctx: click.Context) -> None:
    from dripcraft.check import format_rules

    click.echo(format_rules())
    ctx.exit()


@cli.command("export")
@campaign_argument
@click.option("--to", "platform", metavar="PLATFORM|all", default=None,
              help="Target platform, or 'all'. See --list.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: CAMPAIGN_DIR/exports).")
@click.option("--list", "list_only", is_flag=True, help="List the export platforms and exit.")
def export_command(campaign_dir: Path, platform: str | None, out_dir: Path | None,
                   list_only: bool) -> None:
    """Write upload-ready files for a mailing platform."""
    from dripcraft.exporters import run_export_command

    run_export_command(campaign_dir, platform, out_dir, list_only=list_only)


@cli.command("send-test")
@campaign_argument
@click.option("--to", "to_addr", required=True, help="The test inbox address.")
@click.option("--smtp", default="127.0.0.1:25", show_default=True, metavar="HOST:PORT",
              help="SMTP server.")
@click.option("--starttls", is_flag=True, help="Upgrade the connection with STARTTLS.")
@click.option("--user", default=None, envvar="DRIPCRAFT_SMTP_USER",
              help="SMTP user [env var: DRIPCRAFT_SMTP_USER].")
@click.option("--password", default=None, envvar="DRIPCRAFT_SMTP_PASSWORD",
              help="SMTP password [env var: DRIPCRAFT_SMTP_PASSWORD]; never written to disk.")
@click.option("--email", "email_number", type=int, default=None, metavar="N",
              help="Send only email number N.")
def send_test_command(campaign_dir: Path, to_addr: str, smtp: str, starttls: bool,
                      user: str | None, password: str | None, email_number: int | None) -> None:
    """Send the sequence to a test inbox, each subject prefixed [TEST n/N]."""
    from dripcraft.sendtest import send_test

    sent = send_test(campaign_dir, to_addr, smtp=smtp, starttls=starttls, user=user,
                     password=password, only=email_number)
    click.echo(f"Sent {sent} test email{'s' if sent != 1 else ''} to {to_addr} via {smtp}")


def _progress(message: str) -> None:
    """Progress goes to stderr and only to a terminal, so piped output stays scriptable."""
    if sys.stderr.isatty():
        click.echo(message, err=True)
