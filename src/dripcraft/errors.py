"""The error hierarchy: every user mistake is a DripcraftError, printed as one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import click


class DripcraftError(click.ClickException):
    """A problem with the user's input or environment, reported without a traceback."""

    exit_code = 2

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None,
                 hint: str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.hint = hint
        self.reason = message
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path) + (f":{self.line}" if self.line else "") + ": "
        text = where + self.reason
        if self.hint:
            text += f" ({self.hint})"
        return text

    def show(self, file=None) -> None:  # noqa: D401 - click's signature
        click.echo(f"Error: {self.format_message()}", err=True, file=file)


class ConfigError(DripcraftError):
    """campaign.yaml is missing, malformed, or has a wrong or unknown key."""


class ArticleError(DripcraftError):
    """The article cannot be read or has nothing to split."""


class TemplateError(DripcraftError):
    """A template is missing or does not compile or render."""


class ExportError(DripcraftError):
    """An export target is unknown or cannot be written."""


class SendError(DripcraftError):
    """A test send could not be delivered."""


class ChecksFailed(click.ClickException):
    """`check` found errors: exit 1, the report has already been printed."""

    exit_code = 1

    def show(self, file=None) -> None:
        pass
