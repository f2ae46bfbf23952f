"""sources.bmo_bassins.write: the commune → bassin table in its official layout, read back by
sources.bmo_bassins.read. The read is lossy (codes brought to the current communes, one bassin
each), so the test states the tidy table."""
from __future__ import annotations

import pandas as pd

from sources import bmo_bassins


def test_read_of_write_is_the_tidy_table(tmp_path):
    frame = pd.DataFrame([
        ["52", "44", "44109", "5201", "NANTES"],      # a current commune
        ["52", "49", "49007", "5202", "ANGERS"],      # a current commune …
        ["52", "49", "49069", "5202", "ANGERS"],      # … and one of its former communes, in the same bassin
        ["53", "35", "35238", "5301", "RENNES"],      # another region: dropped by read
    ], columns=bmo_bassins.HEADER)
    path = tmp_path / "bmo-communes-bassins.csv"
    bmo_bassins.write(path, frame)
    assert path.read_bytes().startswith(b"reg,dep,code_commune_insee,code_bassin_BMO,lib_bassin_BMO\r\n")
    loaded = bmo_bassins.read([path], communes={"44109": "44109", "49007": "49007", "49069": "49007"}, region="52")
    assert list(loaded.frame.columns) == bmo_bassins.OUTPUT
    assert loaded.frame.values.tolist() == [["44109", "5201", "NANTES"], ["49007", "5202", "ANGERS"]]
