"""sources.onisep_actions.write: the ONISEP actions file in its official layout (every field quoted
except empty ones), read back by sources.onisep_actions.read. The read is lossy (the region's rows,
identifiers derived), so the test states the tidy table."""
from __future__ import annotations

import pandas as pd

from sources import onisep_actions

FOR = "http://www.onisep.fr/http/redirection/formation/slug/FOR."


def _action(**cells: str) -> dict:
    return {**dict.fromkeys(onisep_actions.HEADER, ""), **cells}


def test_read_of_write_is_the_tidy_table(tmp_path):
    frame = pd.DataFrame([
        # an action of a lycée of the region, every column read filled in
        _action(**{"Formation (FOR) libellé": "CAP Cuisine", "FOR URL et ID Onisep": FOR + "1001", "FOR type": "CAP",
                   "FOR niveau de sortie": "CAP ou équivalent", "Lieu d'enseignement (ENS) libellé": "Lycée A",
                   "ENS code UAI": "0440001A", "ENS statut": "public", "ENS code postal": "44000",
                   "ENS commune": "Nantes", "Action de Formation (AF) identifiant Onisep": "AF.100001",
                   "ENS région": "Pays de la Loire", "AF date de modification": "12/03/2025"}),
        # a lycée of another region: dropped by read
        _action(**{"Formation (FOR) libellé": "CAP Cuisine", "FOR URL et ID Onisep": FOR + "1001",
                   "ENS code UAI": "0350003C", "ENS code postal": "35000", "ENS commune": "Rennes",
                   "Action de Formation (AF) identifiant Onisep": "AF.100002", "ENS région": "Bretagne"}),
    ], columns=onisep_actions.HEADER)
    path = tmp_path / "ideo-actions_de_formation_initiale-univers_lycee.csv"
    onisep_actions.write(path, frame)
    text = path.read_bytes().decode("utf-8")
    assert text.startswith('\ufeff"Formation (FOR) libellé";"FOR URL et ID Onisep";') and "\r" not in text
    assert '"CAP Cuisine";"http://www.onisep.fr/http/redirection/formation/slug/FOR.1001";;' in text
    loaded = onisep_actions.read([path], region="52")
    assert list(loaded.frame.columns) == onisep_actions.COLUMNS
    out = loaded.frame.astype(object)
    assert out.where(out.notna(), None).values.tolist() == [
        ["AF.100001", "FOR.1001", "0440001A", "CAP Cuisine", "CAP", "CAP ou équivalent", "Lycée A", "Nantes", "44000",
         "public"],
    ]
