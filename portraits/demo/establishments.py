"""Demo directory of schools: establishments and CIO placed in the real communes (in proportion
to population), written by :func:`sources.establishments.write`. Other demo inputs (the ONISEP
actions, InserJeunes) take their lycées from these frames; :func:`random_point` places the points
of several demo files."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from sources.common import of_town, uai_key, uai_prefix
from sources.datafrance import official_names
from sources.establishments import GUIDANCE_TYPE, SOURCE, write

# The columns the demo fills (the frames of demo_establishments and demo_guidance_centres, which
# other demo writers read); write_demo writes them in the official layout, the others empty.
DEMO_COLUMNS = ["identifiant_de_l_etablissement", "nom_etablissement", "type_etablissement",
                "statut_public_prive", "adresse_1", "code_postal", "code_commune", "nom_commune",
                "code_departement", "code_region", "voie_generale", "voie_technologique",
                "voie_professionnelle", "apprentissage", "latitude", "longitude", "date_maj_ligne",
                "telephone", "mail"]


def _demo_contact(uai: str) -> tuple[str, str]:
    """A phone number and an address of the form the directory gives (ce.<UAI>@ac-nantes.fr)."""
    return f"02 {40 + int(uai[1:3]) % 14} {uai[3:5]} {uai[5:7]} 00", f"ce.{uai.lower()}@ac-nantes.fr"


DEMO_NAMES = ["Jules Verne", "Aristide Briand", "Jean Moulin", "Marie Curie", "Victor Hugo",
              "Georges Clemenceau", "Simone Veil", "Gaston Lesnard", "René Descartes", "Jean Jaurès",
              "Joachim du Bellay", "Olympe de Gouges", "Pierre Mendès France", "Ambroise Paré",
              "Émile Zola", "Françoise Dolto", "Jacques Prévert", "Camille Claudel"]


def random_point(geom, rng: np.random.Generator):
    """A reproducible random point inside a polygon (rejection sampling in its bounds)."""
    minx, miny, maxx, maxy = geom.bounds
    for _ in range(200):
        p = shapely.Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if geom.contains(p):
            return p
    return geom.representative_point()


def demo_establishments(communes, rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic establishments placed in real communes, in proportion to population."""
    rows = []
    serial = {}
    for c in communes.sort_values("code").itertuples():
        n_col = rng.poisson(c.population / 6500) if c.population > 1500 else 0
        n_lyc = rng.poisson(c.population / 14000) if c.population > 4000 else 0
        n_pro = rng.poisson(c.population / 22000) if c.population > 4000 else 0
        n_erea = 1 if (c.population > 60000 and rng.random() < 0.5) else 0
        kinds = ([("Collège", "Collège", "0", "0")] * n_col + [("Lycée", "Lycée", "1", "0")] * n_lyc
                 + [("Lycée", "Lycée professionnel", "0", "1")] * n_pro + [("EREA", "EREA", "0", "1")] * n_erea)
        for typ, label, general, pro in kinds:
            dep3 = uai_prefix(c.dep)
            serial[dep3] = serial.get(dep3, 0) + 1
            digits = f"{dep3}{serial[dep3]:04d}"
            uai = digits + uai_key(digits)
            status = "Public" if rng.random() < 0.7 else "Privé"
            p = random_point(c.geometry, rng)
            lat, lon = (f"{p.y:.6f}", f"{p.x:.6f}")
            if rng.random() < 0.02:  # the real file has a few rows without coordinates
                lat = lon = ""
            person = DEMO_NAMES[int(rng.integers(len(DEMO_NAMES)))]
            rows.append([uai, f"{label} {person} ({c.name})",
                         typ, status, f"{int(rng.integers(1, 90))} rue de l'École", c.postcode, c.code, c.name,
                         c.dep, c.region, general, general, pro, "1" if pro == "1" and rng.random() < 0.4 else "0",
                         lat, lon, "2025-09-01", *_demo_contact(uai)])
    return pd.DataFrame(rows, columns=DEMO_COLUMNS)


def demo_guidance_centres(communes, rng: np.random.Generator) -> pd.DataFrame:
    """Synthetic CIO ("Information et orientation"): one in each town of more than 25,000
    inhabitants and in the biggest town of each département, two in the biggest cities."""
    names = official_names()
    big = communes.sort_values(["population", "code"], ascending=[False, True])
    hosts = big[(big.population > 25000) | ~big.dep.duplicated()]
    rows, serial = [], {}
    for c in hosts.sort_values("code").itertuples():
        for k in range(2 if c.population > 140000 else 1):
            dep3 = uai_prefix(c.dep)
            serial[dep3] = serial.get(dep3, 0) + 1
            digits = f"{dep3}{9000 + serial[dep3]:04d}"
            uai = digits + uai_key(digits)
            p = random_point(c.geometry, rng)
            name = f"CIO {of_town(names.get(c.code, c.name))}" + (f" {('Centre', 'Est')[k]}" if c.population > 140000 else "")
            rows.append([uai, name, GUIDANCE_TYPE, "Public", f"{int(rng.integers(1, 90))} boulevard de l'Orientation",
                         c.postcode, c.code, c.name, c.dep, c.region, "", "", "", "",
                         f"{p.y:.6f}", f"{p.x:.6f}", "2025-09-01", *_demo_contact(uai)])
    return pd.DataFrame(rows, columns=DEMO_COLUMNS)


def write_demo(path: Path, establishments: pd.DataFrame) -> None:
    """Write ``establishments`` (columns :data:`DEMO_COLUMNS`) as the API's CSV export
    (:func:`sources.establishments.write`: the official columns in their order, those the demo
    does not fill left empty)."""
    write(path, establishments[DEMO_COLUMNS])
