"""sources.inserjeunes.write: a DEPP file by establishment in its official layout, read back by
sources.inserjeunes.read. The read is lossy (the region's lines, rates converted, populations
recoded), so the test states the tidy table."""
from __future__ import annotations

import pandas as pd

from sources import inserjeunes


def test_read_of_write_is_the_tidy_table(tmp_path):
    frame = pd.DataFrame([
        # a lycée of the region, every rate published; a negative value added
        ["0440001A", "LP A", "PAYS DE LA LOIRE", "ensemble", "40", "55", "58", "-3", "40", "33", "27"],
        # its apprentices: not diffusable (nd), missing and never 0
        ["0440001A", "LP A", "PAYS DE LA LOIRE", "dont apprentis"] + ["nd"] * 7,
        # a lycée of another region: dropped by read
        ["0350003C", "LP C", "BRETAGNE", "ensemble", "50", "60", "60", "0", "50", "30", "20"],
    ], columns=inserjeunes.PRO_HEADER)
    path = tmp_path / "depp-inserjeunes-etablissements-2022_2023-pro.csv"
    inserjeunes.write(path, frame)
    assert path.read_bytes().startswith("n°UAI de l'établissement;".encode()) and b"\r\n" in path.read_bytes()
    loaded = inserjeunes.read([path], region="52")
    assert list(loaded.frame.columns) == inserjeunes.OUTPUT_COLUMNS
    out = loaded.frame.astype(object)
    assert out.where(out.notna(), None).values.tolist() == [
        ["0440001A", "LP A", "ensemble", "2022-2023", "pro", 40.0, 55.0, 58.0, 40.0, 33.0, 27.0, -3.0, None, None, None],
        ["0440001A", "LP A", "apprentis", "2022-2023", "pro", *[None] * 10],
    ]


def test_the_cfa_export_is_written_with_a_bom(tmp_path):
    path = tmp_path / "fr-en-inserjeunes-cfa.csv"
    inserjeunes.write(path, pd.DataFrame(columns=inserjeunes.CFA_HEADER))
    assert path.read_bytes() == ("\ufeff" + ";".join(inserjeunes.CFA_HEADER) + "\r\n").encode()
