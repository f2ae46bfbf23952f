"""The errors of a bad input file, shown to users in French, naming the file and the line."""
from __future__ import annotations

from pathlib import Path


class SourceError(ValueError):
    """A bad input file: the message names the file, and the line or code when known."""

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path.name}" + (f", ligne {line}" if line is not None else "")
        super().__init__(f"{where} : {message}")

    def __reduce__(self):
        # Rebuilt from what it was made of, not from its formatted text (pickle's default for an
        # exception): a file refused in an ingest worker process reaches the run as it was raised.
        return type(self), (self.path, self.message, self.line)


class NoRegionalRows(SourceError):
    """A file in the official format that holds no row of the region built (a national file of
    another edition, a file of another region): the dataset is left out of this refresh, and the
    parts of the portraits that need it say why. Not an error of the refresh."""

