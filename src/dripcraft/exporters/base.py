"""The interface every export platform implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

from dripcraft.models import RenderedCampaign


class Exporter(ABC):
    """One mailing platform. Subclasses live one per module in `dripcraft.exporters`.

    A third-party exporter registers the class under the entry-point group
    `dripcraft.exporters`; built-ins are found by scanning this package.
    """

    #: The `--to` name, lower case, e.g. "mailchimp".
    name: ClassVar[str]
    #: How the platform calls itself, e.g. "Mailchimp".
    title: ClassVar[str]
    #: One line for `dripcraft export --list`.
    summary: ClassVar[str]

    @abstractmethod
    def write(self, campaign: RenderedCampaign, out: Path) -> None:
        """Write this platform's files into `out`, an empty folder that is swapped in atomically."""
