"""The one click type for file arguments (``--spec``, ``--work-file``, ``scenario run FILES``,
``--junit``/``--html``/``--trace``). Apart from :mod:`cli.param_types` because it loads ``pathlib``
(a few milliseconds), which commands without a file argument never need (issue 16: start-up).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click


class FilePath(click.Path[Path]):
    """``click.Path(dir_okay=False, path_type=Path)`` that refuses a NUL byte (``os.stat`` would
    raise ``ValueError: embedded null byte``, a traceback) and an empty name (``Path("")`` is the
    current directory) with a usage error."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        if isinstance(value, str) and "\0" in value:
            self.fail(f"{value!r} contains a NUL character", param, ctx)
        if isinstance(value, str) and not value:
            self.fail("an empty file name", param, ctx)
        return super().convert(value, param, ctx)


FILE_PATH = FilePath()
