"""sources.training_offer.write: a LHÉO 2.3 document written from a frame of actions, read back.

``read`` is lossy (it keeps the fields the portraits use, derives the 2019 level and the
apprenticeship, counts the sessions), so ``write`` takes the frame of the document's own
elements (:data:`sources.training_offer.WRITE_COLUMNS`) and the test states the tidy rows expected."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from sources import training_offer as to

F, A, O = "formation/", "formation/action/", "formation/organisme-formation-responsable/"
PLACE = "formation/action/lieu-de-formation/coordonnees/adresse/"


def _action(fid, aid, codes, rncp, level, public, alternance, lat, sessions, town="Nantes"):
    row = dict.fromkeys(to.WRITE_COLUMNS)
    row.update({f"{F}@numero": fid, f"{F}@datemaj": "20250815", f"{F}domaine-formation/code-FORMACODE": codes,
                f"{F}domaine-formation/code-NSF": "326", f"{F}intitule-formation": "BTS SIO & réseaux",
                f"{F}certification/code-RNCP": rncp, f"{F}code-niveau-sortie": level,
                f"{A}@numero": aid, f"{A}code-public-vise": public, f"{A}modalites-alternance": alternance,
                f"{PLACE}codepostal": "44000", f"{PLACE}ville": town,
                f"{PLACE}geolocalisation/latitude": lat, f"{PLACE}geolocalisation/longitude": None if lat is None else "-1.55",
                f"{A}session": sessions, f"{O}@numero": "12345678900011", f"{O}SIRET-organisme-formation/SIRET": "12345678900011"})
    return row


def test_write_then_read(tmp_path):
    session = {"numero": "s1", "debut": "20250915", "fin": "20260630", "ligne": "1 rue", "codepostal": "44000",
               "ville": "Nantes"}
    frame = pd.DataFrame([
        # two FORMACODE codes; an apprenticeship public code; a title with "&" (escaped in the file)
        _action("f1", "a1", ["31054", "31025"], "35340", "6", "82027", "Sans objet", "47.210000", [session]),
        # a second action of the same formation: no coordinates, apprenticeship by its text alone, no session
        _action("f1", "a2", ["31054", "31025"], "35340", "6", "83056", "Possible en apprentissage", None, []),
        # another formation: no certification, no exit level, a permanent entry (unknown dates)
        _action("f2", "a1", ["32054"], None, None, "80006", "Sans objet", "47.2", [
            {**session, "debut": "00000000", "fin": "99999999"}], town="NANTES"),
    ], columns=list(to.WRITE_COLUMNS), dtype=object)
    path = tmp_path / "offre-formation-lheo.xml"
    to.write(path, frame, stamp="2025-09-01T06:00:00")
    text = path.read_text(encoding="utf-8")
    assert text.count("<formation ") == 2 and "<intitule-formation>BTS SIO &amp; réseaux</intitule-formation>" in text
    loaded = to.read([path])
    got = loaded.frame
    assert loaded.vintage == "offre au 01/09/2025"
    assert list(zip(got.formation_id, got.action_id)) == [("f1", "a1"), ("f1", "a2"), ("f2", "a1")]
    assert got.formacodes.tolist() == ["31054|31025", "31054|31025", "32054"] and set(got.nsf) == {"326"}
    assert got.rncp.tolist()[:2] == ["35340", "35340"] and got.level.tolist()[:2] == [5, 5]   # LHÉO 6 → bac+2
    assert got.level.isna().tolist() == [False, False, True]
    assert got.apprenticeship.tolist() == [True, True, False]
    assert got.lat.isna().tolist() == [False, True, False] and got.lat.tolist()[0] == 47.21
    assert got.sessions.tolist() == [1, 0, 1]
    assert got.first_start.tolist()[0] == pd.Timestamp(dt.date(2025, 9, 15)) and got.first_start.isna().tolist()[1:] == [True, True]
    assert got.organism_siret.tolist() == ["12345678900011"] * 3 and got.town.tolist()[2] == "NANTES"
