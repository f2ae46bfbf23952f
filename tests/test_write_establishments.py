"""sources.establishments.write: the directory as the API's CSV export, read back by
sources.establishments.read. The read is lossy (the region's rows, the columns read, renamed), so
the test states the tidy table."""
from __future__ import annotations

import pandas as pd

from sources import establishments

COLUMNS = ["identifiant_de_l_etablissement", "nom_etablissement", "type_etablissement", "statut_public_prive",
           "adresse_1", "code_postal", "code_commune", "nom_commune", "code_departement", "code_region",
           "voie_professionnelle", "latitude", "longitude", "date_maj_ligne", "telephone", "mail"]


def test_read_of_write_is_the_tidy_table(tmp_path):
    frame = pd.DataFrame([
        # a vocational lycée; code_departement "44" is written on three characters, as the API does
        ["0440001A", "Lycée A", "Lycée", "Public", "1 rue", "44000", "44109", "Nantes", "44", "52", "1",
         "47.2", "-1.55", "2025-09-01", "02 40 00 00 00", "ce.0440001a@ac-nantes.fr"],
        # a collège without coordinates nor contacts: placed by its commune
        ["0490002B", "Collège B", "Collège", "Privé", "", "49000", "49007", "Angers", "049", "52", "0",
         "", "", "2025-09-01", "", ""],
        # another region: dropped by read
        ["0350003C", "Collège C", "Collège", "Public", "", "35000", "35238", "Rennes", "35", "53", "0",
         "48.1", "-1.68", "2025-09-01", "", ""],
    ], columns=COLUMNS)
    path = tmp_path / "fr-en-annuaire-education.csv"
    establishments.write(path, frame)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ";".join(establishments.HEADER)          # every official column, in order
    assert ";044;" in lines[1] and ";049;" in lines[2]
    loaded = establishments.read([path], region="52")
    assert list(loaded.frame.columns) == establishments.OUTPUT
    out = loaded.frame.astype(object)
    assert out.where(out.notna(), None).values.tolist() == [
        ["0440001A", "Lycée A", "Lycée", "Public", "1 rue", "44000", "44109", "Nantes", True, 47.2, -1.55,
         "2025-09-01", "02 40 00 00 00", "ce.0440001a@ac-nantes.fr", None],
        ["0490002B", "Collège B", "Collège", "Privé", None, "49000", "49007", "Angers", False, None, None,
         "2025-09-01", None, None, None],
    ]
