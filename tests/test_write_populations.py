"""sources.populations.write: ``donnees_communes.csv`` in its official layout, read back by
sources.populations.read. The read is lossy (rows by current commune, populations only), so the
test states the tidy table."""
from __future__ import annotations

import pandas as pd

from sources import populations


def test_read_of_write_is_the_tidy_table(tmp_path):
    frame = pd.DataFrame([
        # a large commune: canton NA (split between cantons), as in the official file
        ["52", "Pays de la Loire", "44", "4", "NA", "109", "44109", "Nantes", "320732", "5120", "325852"],
        # a commune with no population comptée à part
        ["52", "Pays de la Loire", "49", "1", "07", "007", "49007", "Angers", "155850", "0", "155850"],
        # a commune of another region: dropped by read (region 52)
        ["53", "Bretagne", "35", "2", "12", "238", "35238", "Rennes", "222485", "3100", "225585"],
    ], columns=populations.HEADER)
    path = tmp_path / "donnees_communes.csv"
    populations.write(path, frame)
    assert path.read_bytes().startswith(b"REG;R\xc3\xa9gion;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT\r\n")
    loaded = populations.read([path], region="52")
    assert list(loaded.frame.columns) == ["commune_code", "population", "population_total", "year"]
    assert loaded.frame.astype(object).values.tolist() == [["44109", 320732, 325852, 2022], ["49007", 155850, 155850, 2022]]
