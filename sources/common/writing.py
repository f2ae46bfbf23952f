"""Writing a frame back in an official CSV layout: what the ``write`` of a dataset module does
(the exact inverse of its ``read``'s format; the demo profile writes its inputs through them)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .text import write_csv


def frame_rows(frame: pd.DataFrame) -> list[list]:
    """The cells of ``frame``, row by row, as Python values (a missing value as an empty cell)."""
    cells = frame.astype(object)
    return cells.where(cells.notna(), "").values.tolist()


def write_frame(path: Path, frame: pd.DataFrame, *, sep: str = ";", bom: bool = False, crlf: bool = False,
                encoding: str = "utf-8") -> None:
    """Write ``frame`` as an official CSV: its columns as the header, in their order, then its rows
    (each cell written as ``str`` writes it, quoted only when it must be), in the layout given
    (see :func:`sources.common.write_csv`)."""
    write_csv(path, list(frame.columns), frame_rows(frame), sep=sep, bom=bom, crlf=crlf, encoding=encoding)
