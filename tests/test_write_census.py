"""sources.census.write: a legacy commune base written from its own columns and read back.

``read`` is lossy (it melts the columns into ``commune_code, year, variable, value``, adds former
communes to their current one and derives the employed 15-64), so ``write`` takes the frame of
the file's own columns and the test states the long table expected."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sources import census


def test_write_then_read(tmp_path):
    frame = pd.DataFrame({
        "CODGEO": ["44109",         # a plain commune
                   "49023",         # a former commune: added to 49126
                   "49126"],
        "P20_POP": [320000.1234567, 1000, 2000.0],   # 7 decimals written with 6; an int; a float with no decimals
        "P20_ACT1564": [1.25, np.nan, 3],            # a secret (missing) value: empty, and missing in the sum
        "P20_CHOM1564": [0.1, 1, 2],
        "P14_POP": [300000, 900, 1800]})             # the other year of the base
    path = tmp_path / "base-cc-emploi-pop-active-2020.CSV"
    census.write(path, frame)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "CODGEO;P20_POP;P20_ACT1564;P20_CHOM1564;P14_POP", "44109;320000.123457;1.25;0.1;300000",
        "49023;1000;;1;900", "49126;2000;3;2;1800"]
    got = census.read([path], communes={"44109": "44109", "49023": "49126", "49126": "49126"}).frame
    expected = pd.DataFrame(
        [("44109", 2014, "POP", 300000), ("44109", 2020, "ACT1564", 1.25), ("44109", 2020, "ACTOCC1564", 1.15),
         ("44109", 2020, "CHOM1564", 0.1), ("44109", 2020, "POP", 320000.123457),
         ("49126", 2020, "ACT1564", None), ("49126", 2020, "ACTOCC1564", None), ("49126", 2020, "CHOM1564", 3),
         ("49126", 2014, "POP", 2700), ("49126", 2020, "POP", 3000)],
        columns=census.COLUMNS).astype({"value": "Float64"})
    expected = expected.sort_values(["commune_code", "variable", "year"], ignore_index=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, atol=1e-9)
