"""sources.fap.write: the Dares FAP-2021 list in its official layout, read back by sources.fap.read.
The read is lossy (reduced to one row per FAP-228 code), so the test states the tidy table."""
from __future__ import annotations

import pandas as pd

from sources import fap


def test_read_of_write_is_the_tidy_table(tmp_path):
    parents_a = ["A0X40", "Agriculteurs", "A0X", "Agriculteurs, éleveurs", "A", "Agriculture, marine, pêche"]
    frame = pd.DataFrame([
        ["B2X40", "Maçons", "B2X40", "Maçons", "B2X", "Ouvriers du gros œuvre", "B", "Bâtiment"],  # out of code order
        ["A0X40a", "Agriculteurs (salariés)", *parents_a],       # one FAP-228 code split in two FAP-341 lines:
        ["A0X40b", "Agriculteurs (indépendants)", *parents_a],   # read keeps one row
    ], columns=fap.HEADER)
    path = tmp_path / "dares-nomenclature-FAP2021.csv"
    fap.write(path, frame)
    assert path.read_bytes().startswith("\ufeffCode_FAP341;Intitulé_FAP341;".encode())
    assert b"\r\n" in path.read_bytes()
    loaded = fap.read([path])
    assert list(loaded.frame.columns) == fap.OUTPUT
    assert loaded.frame.values.tolist() == [parents_a, ["B2X40", "Maçons", "B2X", "Ouvriers du gros œuvre", "B", "Bâtiment"]]
