"""sources.inserjeunes_formations.write: the region × formation file in its official layout (UTF-8
with BOM, ``;``, LF), read back by sources.inserjeunes_formations.read. The read is lossy (the
region's lines, formation code and thresholds derived), so the test states the tidy table."""
from __future__ import annotations

import pandas as pd

from sources import inserjeunes_formations as ijf


def test_read_of_write_is_the_tidy_table(tmp_path):
    frame = pd.DataFrame([
        # a lycée course (scolaire, keyed on its MEFSTAT11), 18 and 24 months not published
        ["2022_2023_17_scolaire_23220022103", "2022_2023", "17", "52", "scolaire", "", "23220022103",
         "40", "14", "", "", "12", "10", "30", "47", "", "", "40", "25"],
        # an apprenticeship diploma (keyed on its CFD) with fewer than 20 leavers: rates not published
        ["2022_2023_17_apprentissage_50022103", "2022_2023", "17", "52", "apprentissage", "50022103", "",
         "12", "8", "", "", "7", "2", "10", "", "", "", "", ""],
        # another region: dropped by read
        ["2022_2023_03_scolaire_23220022103", "2022_2023", "03", "53", "scolaire", "", "23220022103",
         "50", "20", "", "", "18", "10", "40", "50", "", "", "45", "20"],
    ], columns=ijf.HEADER)
    path = tmp_path / "inserjeunes-region-formation.csv"
    ijf.write(path, frame)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid;millesime;") and b"\r" not in path.read_bytes()
    loaded = ijf.read([path], region="52")
    assert list(loaded.frame.columns) == ijf.OUTPUT_COLUMNS
    out = loaded.frame.astype(object)
    assert out.where(out.notna(), None).values.tolist() == [
        ["2022-2023", "52", "apprentissage", "50022103", None, "50022103", "cfd", 12, 10, 2, 7, 8, None, None,
         None, None, None, None, None, True, True],
        ["2022-2023", "52", "scolaire", None, "23220022103", "23220022103", "mefstat11", 40, 30, 10, 12, 14, None, None,
         40.0, 47.0, None, None, 25.0, False, False],
    ]
