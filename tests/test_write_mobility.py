"""sources.mobility.write: a base-flux file written from its own columns and read back.

``read`` is lossy (it drops the labels, brings Paris's arrondissements to Paris and keeps the
flows from or to the region, into a Parquet table), so ``write`` takes the frame of the file's
own columns and the test states the flows expected."""
from __future__ import annotations

import pandas as pd

from sources import mobility


def test_write_then_read(tmp_path):
    frame = pd.DataFrame([
        ["44109", "Nantes", "44109", "Nantes", 120.25],                       # within a commune
        ["44109", "Nantes", "75108", "Paris 8e Arrondissement", 1.5],         # an arrondissement: counted for Paris
        ["44109", "Nantes", "75113", "Paris 13e Arrondissement", 2.0000004],  # six decimals written
        ["35238", "Rennes", "44109", "Nantes", 3.0],                           # from outside the region
        ["35238", "Rennes", "35047", "Bruz", 9.0],                             # neither end in the region: left out
    ], columns=["CODGEO", "LIBGEO", "DCLT", "L_DCLT", "NBFLUX_C22_ACTOCC15P"])
    path = tmp_path / "base-flux-mobilite-domicile-lieu-travail-2022.csv"
    mobility.write(path, frame)
    assert path.read_bytes().split(b"\r\n")[:2] == [b"CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C22_ACTOCC15P",
                                                   b"44109;Nantes;44109;Nantes;120.250000"]
    loaded = mobility.read([path], communes={"44109": "44109"}, workdir=tmp_path / "work")
    got = pd.read_parquet(loaded.frame)
    assert [tuple(r) for r in got.itertuples(index=False)] == [
        ("travail", 2022, "35238", "44109", 3.0), ("travail", 2022, "44109", "44109", 120.25),
        ("travail", 2022, "44109", "75056", 3.5)]
