"""sources.cog.write: the table de passage in its official layout, read back by sources.cog.read.
The read is lossy (only the COM rows' codes, and the file name), so the test states the tidy table."""
from __future__ import annotations

import pandas as pd

from sources import cog


def test_read_of_write_is_the_tidy_table(tmp_path):
    frame = pd.DataFrame([
        [2025, "COM", "commune", "49126", "49126"],        # a current commune: its identity row
        [2025, "COM", "commune", "49069", "49126"],        # a former commune → its commune nouvelle
        [2025, "DEP", "département", "49", "49"],          # a département row: dropped by read
        [2025, "REG", "région", "52", "52"],               # the region's row: dropped by read
    ], columns=cog.PASSAGE_HEADER)
    path = tmp_path / "table-passage-cog.csv"
    cog.write(path, frame)
    assert path.read_bytes().startswith("\ufeffAnnée;Niveau;Type;Ancien Code Officiel;Code Courant Officiel\r\n".encode())
    loaded = cog.read([path])
    assert loaded.frame.values.tolist() == [["49126", "49126", path.name], ["49069", "49126", path.name]]
    assert list(loaded.frame.columns) == ["old_code", "current_code", "source"]
    assert loaded.vintage == "COG 2025"
