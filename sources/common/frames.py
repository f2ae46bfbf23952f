"""Frames written back as official text files: the cells of a frame as the text an official file
holds (the inverse of reading every cell as text)."""
from __future__ import annotations

import pandas as pd


def frame_rows(frame: pd.DataFrame) -> list[list[str]]:
    """The cells of ``frame`` as text, row by row: a missing cell (None, NaN, NA) is empty, any
    other value its ``str``."""
    return [["" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in row]
            for row in frame.itertuples(index=False, name=None)]
