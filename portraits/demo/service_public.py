"""Demo directory of the SPRO networks' offices (DILA annuaire): synthetic offices in real
communes, in the data.gouv.fr layout of the real record (its keys in its order, the same nesting,
coordinates as strings), written by :func:`sources.service_public.write`."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sources import service_public
from sources.common import of_town
from sources.datafrance import official_names

# Network → (inhabitants per office, minimum commune population to host one, population from which
# a town always hosts one, office name pattern). As in reality, every town of 10,000 inhabitants
# has a France Travail agency and a mission locale; smaller ones are drawn by population.
DEMO_DENSITY = {
    "france_travail": (55000, 4000, 10000, "France Travail {town}"),
    "mission_locale": (35000, 2500, 10000, "Mission locale — antenne {of_town}"),
    "cap_emploi": (None, None, None, "Cap emploi {dep_name}"),
    "information_jeunesse": (45000, 3000, 15000, "Point Information Jeunesse {of_town}"),
    "suio": (None, 40000, None, "SUIO — campus {of_town}"),
    "apec": (None, 100000, None, "Apec {town}"),
}
DEMO_DEPARTEMENTS = {"44": "Loire-Atlantique", "49": "Maine-et-Loire", "53": "Mayenne", "72": "Sarthe",
                     "85": "Vendée"}
PIVOT_OF = {"france_travail": "france_travail", "mission_locale": "mission_locale", "cap_emploi": "cap_emploi",
            "information_jeunesse": "cij", "suio": "suio", "apec": "apec"}


COPYRIGHT = "Direction de l'information légale et administrative (Première ministre)"


def demo_record(rid: str, name: str, pivot: str, code: str, street: str, postcode: str, town: str, lat: str,
                lon: str, phone: str, email: str, website: str, url: str, updated: str) -> dict:
    """One record in the layout of the real one (:data:`sources.service_public.RECORD_KEYS`): the keys the portraits do not
    read are there too, empty or with the values a local office has."""
    return {
        "plage_ouverture": [{"nom_jour_debut": "Lundi", "nom_jour_fin": "Vendredi", "valeur_heure_debut_1": "09:00:00",
                             "valeur_heure_fin_1": "12:30:00", "valeur_heure_debut_2": "13:30:00",
                             "valeur_heure_fin_2": "17:00:00", "commentaire": ""}],
        "site_internet": [{"libelle": "", "valeur": website}] if website else [],
        "copyright": COPYRIGHT, "siren": "", "ancien_code_pivot": f"{pivot}-{code}-01", "reseau_social": [],
        "texte_reference": [], "partenaire": "", "telecopie": [], "nom": name, "siret": "", "itm_identifiant": "",
        "sigle": "", "affectation_personne": [], "date_modification": updated,
        "adresse_courriel": [email] if email else [], "service_disponible": "", "organigramme": [],
        "pivot": [{"type_service_local": pivot, "code_insee_commune": [code]}], "partenaire_identifiant": "",
        "ancien_identifiant": [], "id": rid, "ancien_nom": [], "commentaire_plage_ouverture": "", "annuaire": [],
        "tchat": [], "hierarchie": [], "categorie": "SL", "sve": [], "telephone_accessible": [],
        "application_mobile": [], "version_type": "Publiable", "type_repertoire": "",
        "telephone": [{"valeur": phone, "description": ""}] if phone else [], "version_etat_modification": "",
        "date_creation": "18/01/2012 00:00:00", "partenaire_date_modification": "", "mission": "",
        "formulaire_contact": [], "version_source": "", "type_organisme": "", "code_insee_commune": code,
        "statut_de_diffusion": "true",
        "adresse": [{"type_adresse": "Adresse", "complement1": "", "complement2": "", "numero_voie": street,
                     "service_distribution": "", "code_postal": postcode, "nom_commune": town, "pays": "",
                     "continent": "", "longitude": lon, "latitude": lat, "accessibilite": "",
                     "note_accessibilite": ""}],
        "url_service_public": url, "information_complementaire": "", "date_diffusion": ""}


def demo_records(communes, rng: np.random.Generator, random_point) -> list[dict]:
    """Offices in the region's communes: the biggest towns host them, then others drawn with a
    probability that grows with population, so that rural areas are less covered (as in reality).
    Then, as in the national file, an office of another region and a town hall (never read)."""
    names = official_names()
    records = []
    by_pop = communes.sort_values(["population", "code"], ascending=[False, True])
    capitals = by_pop.drop_duplicates("dep")          # the biggest town of each département
    for network, (per, floor, always, pattern) in DEMO_DENSITY.items():
        if per is None:
            hosts = capitals if network == "cap_emploi" else by_pop[by_pop.population >= floor]
        else:
            p = np.clip(by_pop.population / per, 0, 1) * (by_pop.population >= floor)
            hosts = by_pop[(rng.random(len(by_pop)) < p) | (by_pop.population >= always)]
        for c in hosts.itertuples():
            # Bigger towns have several offices (one per `per` inhabitants, up to 4).
            count = 1 if per is None else int(min(4, max(1, c.population // (2 * per) + 1)))
            for k in range(count):
                pt = random_point(c.geometry, rng)
                rid = f"{network[:3]}-{c.code}-{k + 1}"
                town = names.get(c.code, c.name)
                name = pattern.format(town=town, of_town=of_town(town), dep_name=DEMO_DEPARTEMENTS.get(c.dep, c.dep))
                if count > 1:
                    name += f" ({k + 1})"
                lat, lon = f"{pt.y:.6f}", f"{pt.x:.6f}"
                if rng.random() < 0.03:     # some entries have no coordinates in the real directory
                    lat = lon = ""
                street = f"{int(rng.integers(1, 120))} rue de la République"
                phone = (f"02 {int(rng.integers(40, 54))} {int(rng.integers(10, 99))} {int(rng.integers(10, 99))} "
                         f"{int(rng.integers(10, 99))}")
                updated = f"{int(rng.integers(1, 28)):02d}/0{int(rng.integers(1, 10))}/2025 10:00:00"
                host = network.replace("_", "-")
                records.append(demo_record(
                    rid, name, PIVOT_OF[network], c.code, street, c.postcode, town, lat, lon, phone,
                    f"contact.{c.code}@{host}.example.org", f"https://{host}.example.org/{c.code}",
                    f"https://lannuaire.service-public.gouv.fr/pays-de-la-loire/{rid}", updated))
    # The file is national: an office of another region (Rennes), left out by the reader.
    records.append(demo_record("fra-35238-1", "France Travail Rennes", "france_travail", "35238", "2 rue de Paris",
                               "35000", "Rennes", "48.111000", "-1.680000", "02 99 00 00 00",
                               "contact.35238@france-travail.example.org", "https://france-travail.example.org/35238",
                               "https://lannuaire.service-public.gouv.fr/bretagne/fra-35238-1", "01/09/2025 10:00:00"))
    # An office of another network type (a town hall): present in the real file, never read.
    first = by_pop.iloc[0]
    records.append(demo_record("mairie-demo", f"Mairie - {first['name']}", "mairie", first["code"], "", "", "", "",
                               "", "", "", "", "", "01/09/2025 10:00:00"))
    return records


def write_demo(dest: Path, communes, rng: np.random.Generator, random_point) -> Path:
    """Write ``dest``/``SOURCE.demo_file`` (returned) in the data.gouv.fr layout
    (:func:`sources.service_public.write`). ``random_point(geometry, rng)``: where an office is
    drawn in its commune."""
    records = demo_records(communes, rng, random_point)
    path = Path(dest) / service_public.SOURCE.demo_file
    service_public.write(path, pd.DataFrame(records, columns=list(records[0])))
    return path
