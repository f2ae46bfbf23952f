"""sources.jobseekers_profile.write: API answers written as the raw file and read back.

``read`` is lossy (it keeps the region's cumul values, classifies the characteristics into
groups and adds missing totals for refused requests), so ``write`` takes the file's own records
(``{requete, reponse}``) and the test states the tidy rows expected."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from sources import jobseekers_profile as jp


def _value(area_type, code, total, caract):
    return {"codeTypeTerritoire": area_type, "codeTerritoire": code, "libTerritoire": code, "codeTypeActivite": "CUMUL",
            "codeActivite": "CUMUL", "codeNomenclature": "A", "codeTypePeriode": "TRIMESTRE", "codePeriode": "2024T4",
            "libPeriode": "4ème trimestre 2024", "valeurPrincipaleNombre": total, "listeValeurParCaract": caract}


def test_write_then_read(tmp_path):
    answers = [
        # the region: a total given as a string (the XML answer turned into JSON) and one characteristic
        {"requete": jp.request_body("REG", "52"), "reponse": {"codeIndicateur": "DE_1", "listeValeursParPeriode": [
            _value("REG", "52", "1000", [{"codeTypeCaract": "GENRE", "codeCaract": "F", "libCaract": "Femme",
                                          "nombre": 520, "masque": False}])]}},
        # a bassin: a masked cell (missing, never 0)
        {"requete": jp.request_body(jp.BASSIN_TYPE, "5218"), "reponse": {"listeValeursParPeriode": [
            _value(jp.BASSIN_TYPE, "5218", 990, [{"codeTypeCaract": "AGE", "codeCaract": "AGE1", "libCaract": "15-24 ans",
                                                  "nombre": None, "masque": True}])]}},
        # a bassin the API refused when fetched: its total is missing
        {"requete": jp.request_body(jp.BASSIN_TYPE, "5219"), "reponse": None, "erreur": "HTTP 500"},
    ]
    path = tmp_path / "francetravail-stat-demandeurs.json"
    jp.write(path, answers)
    assert json.loads(path.read_text(encoding="utf-8")) == answers
    assert path.read_bytes() == jp.dump(answers)
    df = jp.read([path], region="52").frame
    got = [(r.area_type, r.area_code, r.characteristic_type, r.grp, None if r.count is pd.NA else r.count)
           for r in df.itertuples()]
    assert got == [("bassin", "5218", "AGE", "under25", None), ("bassin", "5218", "TOTAL", "total", 990),
                   ("bassin", "5219", "TOTAL", "total", None),
                   ("region", "52", "GENRE", "women", 520), ("region", "52", "TOTAL", "total", 1000)]
    assert set(df.quarter) == {dt.date(2024, 10, 1)} and set(df.category) == {"A"}
