"""The errors of a bad input file, shown to users in French, naming the file and the line."""
from __future__ import annotations

from pathlib import Path


class SourceError(ValueError):
    """A bad input file: the message names the file, and the line or code when known."""

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path = Path(path)
        self.line = line
        where = f"{self.path.name}" + (f", ligne {line}" if line is not None else "")
        super().__init__(f"{where} : {message}")


class NoRegionalRows(SourceError):
    """A file in the official format that holds no row of the region built (a national file of
    another edition, a file of another region): the dataset is left out of this refresh, and the
    parts of the portraits that need it say why. Not an error of the refresh."""

