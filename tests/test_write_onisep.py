"""sources.onisep.write: the Idéo referential in its 2022 layout (text fields quoted), read back by
sources.onisep.read. The read is lossy (identifier, level and domains derived), so the test states
the tidy table."""
from __future__ import annotations

import pandas as pd
import pytest

from sources import onisep

URL = "http://www.onisep.fr/http/redirection/formation/slug/FOR."


def test_read_of_write_is_the_tidy_table(tmp_path):
    frame = pd.DataFrame([
        # a CAP registered at the RNCP, two domain values (the second domain repeated)
        ["221", "CAP", "certificat d'aptitude professionnelle", "CAP Cuisine", "", "2 ans", "34592", "5",
         "niveau 3 (niveau CAP)", "Ministère", URL + "1001", "hôtellerie/métiers| hôtellerie/techniques"],
        # a formation not registered at the RNCP: no level, empty cells written bare
        ["", "", "formation d'école spécialisée", "Développeur web", "", "3 ans", "", "0",
         "non inscrit au RNCP", "non renseigné", URL + "1002", ""],
    ], columns=onisep.HEADER_2022)
    path = tmp_path / "ideo-formations_initiales_en_france.csv"
    onisep.write(path, frame)
    text = path.read_bytes().decode("utf-8")
    assert text.startswith('\ufeff"code CNIS";"sigle type formation";') and "\r" not in text
    assert ';;"formation d\'école spécialisée";"Développeur web";;"3 ans";;0;' in text
    loaded = onisep.read([path])
    assert list(loaded.frame.columns) == onisep.COLUMNS
    out = loaded.frame.astype(object)
    assert out.where(out.notna(), None).values.tolist() == [
        ["FOR.1001", "CAP", "certificat d'aptitude professionnelle", "CAP Cuisine", "34592", 3, "niveau 3 (niveau CAP)",
         "2 ans", None, "hôtellerie", "221", URL + "1001"],
        ["FOR.1002", None, "formation d'école spécialisée", "Développeur web", None, None, "non inscrit au RNCP",
         "3 ans", None, None, None, URL + "1002"],
    ]


def test_write_refuses_another_layout(tmp_path):
    with pytest.raises(ValueError):
        onisep.write(tmp_path / "x.csv", pd.DataFrame(columns=onisep.HEADER_2022[::-1]))
