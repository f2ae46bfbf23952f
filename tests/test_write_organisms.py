"""sources.organisms.write: the DGEFP list in its current layout (each line ending with ``;``),
read back by sources.organisms.read. The read is lossy (the region's rows, columns derived), so the
test states the tidy table."""
from __future__ import annotations

import pandas as pd

from sources import organisms

SPECIALITY = "informationsDeclarees.specialitesDeFormation.codeSpecialite"


def _organism(**cells: str) -> dict:
    return {**dict.fromkeys(organisms.HEADER, ""), **cells}


def test_read_of_write_is_the_tidy_table(tmp_path):
    frame = pd.DataFrame([
        # an organism of the region: Qualiopi for training only, the VAE flag empty (missing), two specialities
        _organism(**{"numeroDeclarationActivite": "52440000144", "denomination": "FORMATION NANTES",
                     "siren": "123456789", "siretEtablissementDeclarant": "12345678900012",
                     "adressePhysiqueOrganismeFormation.voie": "1 rue de la Gare",
                     "adressePhysiqueOrganismeFormation.codePostal": "44000",
                     "adressePhysiqueOrganismeFormation.ville": "Nantes",
                     "adressePhysiqueOrganismeFormation.codeRegion": "52",
                     "certifications.actionsDeFormation": "true", "certifications.bilansDeCompetences": "false",
                     "certifications.actionsDeFormationParApprentissage": "false",
                     f"{SPECIALITY}1": "221", f"{SPECIALITY}2": "334",
                     "informationsDeclarees.dateDerniereDeclaration": "03/02/2025",
                     "informationsDeclarees.nbStagiaires": "120", "informationsDeclarees.effectifFormateurs": "4"}),
        # an organism of another region: dropped by read
        _organism(**{"numeroDeclarationActivite": "53350000135", "denomination": "FORMATION RENNES",
                     "siretEtablissementDeclarant": "98765432100015",
                     "adressePhysiqueOrganismeFormation.codePostal": "35000",
                     "adressePhysiqueOrganismeFormation.codeRegion": "53"}),
    ], columns=organisms.HEADER)
    path = tmp_path / "liste-publique-des-organismes-de-formation.csv"
    organisms.write(path, frame)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[0] == ";".join(organisms.HEADER) + ";" and all(line.endswith(";") for line in lines[1:-1])
    loaded = organisms.read([path], region="52")
    assert list(loaded.frame.columns) == organisms.COLUMNS
    out = loaded.frame.astype(object)
    assert out.where(out.notna(), None).values.tolist() == [
        ["52440000144", "FORMATION NANTES", "123456789", "12345678900012", "1 rue de la Gare", "44000", "Nantes",
         True, False, None, False, "221|334", 120, 4],
    ]
