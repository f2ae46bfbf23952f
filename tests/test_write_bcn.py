"""sources.bcn.write: the three BCN tables in their official layouts, read back by sources.bcn.read.
The read is lossy (the tables merged into labels), so the test states the tidy table."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from sources import bcn


def _table(header: list[str], rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{**dict.fromkeys(header, ""), **r} for r in rows], columns=header)


def test_read_of_write_is_the_tidy_table(tmp_path):
    formation = _table(bcn.FORMATION_HEADER, [
        # a diploma with an accented comment: the table is written in Windows-1252
        {"FORMATION_DIPLOME": "50022103", "NIVEAU_FORMATION_DIPLOME": "500", "GROUPE_SPECIALITE": "221",
         "LIBELLE_COURT": "CAP", "LIBELLE_LONG_200": "CUISINE (CAP)", "COMMENTAIRE": "Rénové",
         "DATE_INTERVENTION": "15/01/2024", "NIVEAU_QUALIFICATION_RNCP": "03"},
        # a closed diploma without its own RNCP level: typed through its niveau
        {"FORMATION_DIPLOME": "50022104", "NIVEAU_FORMATION_DIPLOME": "500", "GROUPE_SPECIALITE": "221",
         "LIBELLE_COURT": "CAP", "LIBELLE_LONG_200": "BOULANGER (CAP)", "DATE_FERMETURE": "31/08/2023"},
    ])
    mef = _table(bcn.MEF_HEADER, [   # the final year of the first diploma's course in lycée
        {"MEF": "2412210322", "FORMATION_DIPLOME": "50022103", "DUREE_DISPOSITIF": "2", "LIBELLE_LONG": "2CAP2 CUISINE",
         "DATE_OUVERTURE": "01/09/2016", "MEF_STAT_11": "23220022103"}])
    niveau = _table(bcn.NIVEAU_HEADER, [   # the diploma type, with its RNCP level
        {"NIVEAU_FORMATION_DIPLOME": "500", "LIBELLE_COURT": "CAP", "LIBELLE_100": "CERTIFICAT D'APTITUDE PROFESSIONNELLE",
         "NIVEAU_QUALIFICATION_RNCP": "03"}])
    paths = bcn.write(tmp_path, {bcn.TABLE_FORMATION: formation, bcn.TABLE_MEF: mef, bcn.TABLE_NIVEAU: niveau})
    assert [p.name for p in paths] == ["bcn-n_formation_diplome.csv", "bcn-n_mef.csv", "bcn-n_niveau_formation_diplome.csv"]
    assert "Rénové".encode("cp1252") in paths[0].read_bytes() and paths[1].read_bytes().startswith(b"\xef\xbb\xbfMEF;")
    loaded = bcn.read(paths)
    frame = loaded.frame.astype(object)
    cap = "CERTIFICAT D'APTITUDE PROFESSIONNELLE"
    assert frame.where(frame.notna(), None).values.tolist() == [
        ["50022103", "cfd", "50022103", "CUISINE (CAP)", "CAP", cap, 3, "niveau 3 (CAP, BEP)", "221", None, None],
        ["50022104", "cfd", "50022104", "BOULANGER (CAP)", "CAP", cap, 3, "niveau 3 (CAP, BEP)", "221", None,
         dt.date(2023, 8, 31)],
        ["23220022103", "mefstat11", "50022103", "CUISINE (CAP)", "CAP", cap, 3, "niveau 3 (CAP, BEP)", "221", 2, None],
        ["500", "niveau", None, cap, "CAP", cap, 3, "niveau 3 (CAP, BEP)", None, None, None],
    ]
    assert loaded.vintage == "BCN, mise à jour du 15/01/2024"
