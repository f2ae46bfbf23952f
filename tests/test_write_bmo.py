"""sources.bmo.write: the BMO workbook in its official layout (dictionary sheet, then data sheet),
read back by sources.bmo.read. The read is lossy (the region's rows, the columns read), so the test
states the tidy table."""
from __future__ import annotations

import openpyxl
import pandas as pd

from sources import bmo


def test_read_of_write_is_the_tidy_table(tmp_path):
    frame = pd.DataFrame([
        # published counts, the seasonal one secret
        [2024, "A0X40", "Agriculteurs", "Z", "Autres métiers", "52", "Pays de la Loire", "44", "Loire-Atlantique",
         5201, "NANTES", "120", "60", "*"],
        # a small cell: the three counts secret (missing, never 0)
        [2024, "S1X40", "Cuisiniers", "V", "Vente", "52", "Pays de la Loire", "49", "Maine-et-Loire",
         5202, "ANGERS", "*", "*", "*"],
        # another region: dropped by read
        [2024, "S1X40", "Cuisiniers", "V", "Vente", "53", "Bretagne", "35", "Ille-et-Vilaine", 5301, "RENNES", "9", "1", "0"],
    ], columns=bmo.data_header(2024))
    path = tmp_path / "Base_open_data_BMO_2024.xlsx"
    bmo.write(path, frame)
    again = tmp_path / "again.xlsx"
    bmo.write(again, frame)
    assert path.read_bytes() == again.read_bytes()          # fixed container: same frame, same bytes
    assert openpyxl.load_workbook(path).sheetnames == [bmo.DICTIONARY_SHEET, "BMO_2024_open_data"]
    loaded = bmo.read([path], region="52")
    assert list(loaded.frame.columns) == bmo.OUTPUT
    out = loaded.frame.astype(object)
    assert out.where(out.notna(), None).values.tolist() == [
        [2024, "5201", "NANTES", "A0X40", "Agriculteurs", "Z", "Autres métiers", "44", 120.0, 60.0, None],
        [2024, "5202", "ANGERS", "S1X40", "Cuisiniers", "V", "Vente", "49", None, None, None],
    ]
