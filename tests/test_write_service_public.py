"""sources.service_public.write: records written in the data.gouv.fr layout and read back.

``read`` is lossy (it keeps the SPRO networks' records, of the region, and a few fields), so
``write`` takes the frame of the records' own keys and the test states the tidy table expected."""
from __future__ import annotations

import json

import pandas as pd

from sources import service_public


def _record(rid, nom, pivots, code, lat, lon, updated="01/09/2025 10:00:00"):
    return {"id": rid, "nom": nom, "pivot": [{"type_service_local": p, "code_insee_commune": [code]} for p in pivots],
            "code_insee_commune": code, "date_modification": updated, "telephone": [{"valeur": "02 40 00 00 00"}],
            "adresse": [{"type_adresse": "Adresse", "numero_voie": "1 rue Crucy", "code_postal": "44000",
                         "nom_commune": "Nantes", "latitude": lat, "longitude": lon}]}


def test_write_then_read(tmp_path):
    frame = pd.DataFrame([
        _record("fra-1", "France Travail Nanté", ["pole_emploi"], "44109", "47.2", "-1.55"),   # the former pivot name; an accent
        _record("ml-1", "Mission locale", ["mission_locale", "cij"], "44109", "", ""),        # two networks; no coordinates
        _record("mairie-1", "Mairie", ["mairie"], "44109", "47.2", "-1.55"),                 # not a SPRO network: not read
        _record("fra-2", "France Travail Rennes", ["france_travail"], "35238", "48.1", "-1.68"),  # another region
    ])
    path = tmp_path / "annuaire.json"
    service_public.write(path, frame)
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{"service": [\n{"id": "fra-1", "nom": "France Travail Nanté",') and text.endswith("}\n]}\n")
    assert json.loads(text)["service"][1]["pivot"][1] == {"type_service_local": "cij", "code_insee_commune": ["44109"]}
    got = service_public.read([path], communes={"44109"}).frame
    assert list(got.columns) == service_public.COLUMNS
    assert list(zip(got.network, got.id)) == [("france_travail", "fra-1"), ("information_jeunesse", "ml-1"),
                                              ("mission_locale", "ml-1")]
    assert got.lat.tolist()[0] == 47.2 and got.lat.isna().tolist() == [False, True, True]
    assert set(got.address) == {"1 rue Crucy"} and set(got.phone) == {"02 40 00 00 00"} and set(got.commune_code) == {"44109"}
