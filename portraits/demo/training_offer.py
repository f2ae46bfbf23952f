"""Demo training offer (LHÉO 2.3): about 400 formations and 700 actions in real communes of the
region, given by invented organisms, written by :func:`sources.training_offer.write`. Its catalogue
(:data:`DEMO_DOMAINS`, :func:`demo_certifications`, :func:`demo_organisms`) is shared with the
ONISEP and organisms demos, so that the three demo files tell the same story."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from sources import training_offer
from sources.datafrance import official_names
from sources.training_offer import APPRENTICESHIP_PUBLIC, PROFESSIONALISATION_PUBLIC

# Demo domains. The 5-digit codes are FORMACODE-like (two first digits = the demo domain), invented
# for the demo: they are not the official FORMACODE thesaurus. Each domain has the ONISEP domain and
# the NSF code (with its label) used by the other demos.
DEMO_DOMAINS = [
    # prefix, label, ONISEP domain, NSF code, NSF label, formacode-like codes
    ("31", "Informatique", "informatique, internet", "326",
     "Informatique, traitement de l'information, réseaux de transmission", ("31054", "31025", "31088")),
    ("32", "Gestion, comptabilité", "gestion des entreprises, comptabilité", "314", "Comptabilité, gestion",
     ("32054", "32062", "32015")),
    ("34", "Commerce, vente", "commerce, marketing, vente", "312", "Commerce, vente", ("34054", "34566", "34502")),
    ("22", "Bâtiment, travaux publics", "construction - architecture - travaux publics", "232",
     "Bâtiment : construction et couverture", ("22054", "22403", "22614")),
    ("23", "Mécanique, maintenance", "mécanique", "251", "Mécanique générale et de précision, usinage",
     ("23054", "23684", "23693")),
    ("24", "Électricité, électronique", "électricité - électronique - robotique", "255", "Électricité, électronique",
     ("24054", "24049", "24354")),
    ("42", "Santé, action sociale", "santé - social - sport", "330", "Spécialités plurivalentes sanitaires et sociales",
     ("42054", "42062", "42071")),
    ("21", "Agriculture, agroalimentaire", "agriculture, animaux", "210",
     "Spécialités plurivalentes de l'agronomie et de l'agriculture", ("21054", "21046", "21572")),
    ("33", "Transport, logistique", "logistique - transport", "311", "Transport, manutention, magasinage",
     ("33054", "33062", "33071")),
    ("35", "Hôtellerie, restauration", "hôtellerie - restauration - tourisme", "334", "Accueil, hôtellerie, tourisme",
     ("35054", "35062", "35071")),
]

# Certifications of the demo: (domain prefix, ONISEP type code, type label, title, level 2019).
_TYPES = {3: ("CAP", "certificat d'aptitude professionnelle", "2 ans"),
          4: ("Bac pro", "baccalauréat professionnel", "3 ans"),
          5: ("BTS", "brevet de technicien supérieur", "2 ans"),
          6: ("BUT", "bachelor universitaire de technologie", "3 ans"),
          7: ("TP", "titre professionnel", "1 an")}
_TITLES = {
    "31": {3: None, 4: "Bac pro Systèmes numériques", 5: "BTS Services informatiques aux organisations",
           6: "BUT Informatique", 7: "Titre Manager de solutions digitales et data"},
    "32": {3: None, 4: "Bac pro Assistance à la gestion des organisations", 5: "BTS Comptabilité et gestion",
           6: "BUT Gestion des entreprises et des administrations", 7: "Titre Responsable en gestion"},
    "34": {3: "CAP Équipier polyvalent du commerce", 4: "Bac pro Métiers du commerce et de la vente",
           5: "BTS Négociation et digitalisation de la relation client", 6: "BUT Techniques de commercialisation",
           7: None},
    "22": {3: "CAP Maçon", 4: "Bac pro Technicien du bâtiment : organisation et réalisation du gros œuvre",
           5: "BTS Bâtiment", 6: "BUT Génie civil - construction durable", 7: None},
    "23": {3: "CAP Maintenance des véhicules", 4: "Bac pro Technicien en réalisation de produits mécaniques",
           5: "BTS Conception des processus de réalisation de produits", 6: "BUT Génie mécanique et productique",
           7: None},
    "24": {3: "CAP Électricien", 4: "Bac pro Métiers de l'électricité et de ses environnements connectés",
           5: "BTS Électrotechnique", 6: "BUT Génie électrique et informatique industrielle", 7: None},
    "42": {3: "CAP Accompagnant éducatif petite enfance", 4: "Bac pro Accompagnement, soins et services à la personne",
           5: "BTS Services et prestations des secteurs sanitaire et social", 6: "BUT Carrières sociales",
           7: "Titre Cadre de santé"},
    "21": {3: "CAP agricole Métiers de l'agriculture", 4: "Bac pro Conduite et gestion de l'entreprise agricole",
           5: "BTSA Agronomie et cultures durables", 6: None, 7: None},
    "33": {3: "CAP Opérateur/opératrice logistique", 4: "Bac pro Logistique", 5: "BTS Gestion des transports et logistique associée",
           6: "BUT Management de la logistique et des transports", 7: None},
    "35": {3: "CAP Cuisine", 4: "Bac pro Commercialisation et services en restauration",
           5: "BTS Management en hôtellerie restauration", 6: None, 7: None},
}
_SHORT = {"31": ["Bureautique : tableur et traitement de texte", "Initiation à la programmation Python",
                 "Cybersécurité : les bons réflexes"],
          "32": ["Paie et déclarations sociales", "Comptabilité générale : les bases"],
          "34": ["Techniques de vente en magasin", "Marketing digital et réseaux sociaux"],
          "22": ["Habilitation travaux en hauteur", "Lecture de plans"],
          "23": ["Soudure : procédés semi-automatiques", "Maintenance préventive"],
          "24": ["Habilitation électrique B1V-BR", "Domotique : installation"],
          "42": ["Sauveteur secouriste du travail", "Accompagnement des personnes âgées"],
          "21": ["Certiphyto", "Conduite d'engins agricoles"],
          "33": ["CACES chariots élévateurs R489", "Gestion des stocks"],
          "35": ["Hygiène alimentaire en restauration (HACCP)", "Service en salle : perfectionnement"]}
_LHEO_LEVEL = {3: "4", 4: "5", 5: "6", 6: "7", 7: "8"}
DEMO_EXPORT_STAMP = "2025-09-01T06:00:00"
DEMO_ORGANISMS_SEED = 5252          # organisms are shared by two demo files: their own fixed seed


def demo_certifications() -> pd.DataFrame:
    """The demo catalogue of certifications: domain, type, title, level (2019), invented RNCP and
    Certif Info codes (stable: derived from the position in the catalogue)."""
    rows = []
    for d, (prefix, _, _, _, _, _) in enumerate(DEMO_DOMAINS):
        for level, title in _TITLES[prefix].items():
            if title is None:
                continue
            type_code, type_label, duration = _TYPES[level]
            if title.startswith("BTSA"):
                type_code, type_label = "BTSA", "brevet de technicien supérieur agricole"
            if title.startswith("CAP agricole"):
                type_code, type_label = "CAP agricole", "certificat d'aptitude professionnelle agricole"
            if title.startswith("Titre"):
                type_label = "titre certifié inscrit au RNCP"
            n = len(rows)
            rows.append({"domain": prefix, "type_code": type_code, "type_label": type_label, "title": title,
                         "level": level, "duration": duration, "rncp": str(34000 + 37 * n),
                         "certifinfo": str(100200 + 11 * n)})
    return pd.DataFrame(rows)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _luhn_complete(stem: str) -> str:
    return next(stem + str(k) for k in range(10) if _luhn_ok(stem + str(k)))


_KINDS = ["Centre de formation", "Institut de formation", "Organisme de formation", "CFA", "École",
          "Association de formation", "Maison de la formation", "Atelier de formation"]
_WORDS = ["Atlantique", "Loire", "Anjou", "Maine", "Vendée", "Mayenne", "Erdre", "Sarthe", "Bocage", "Estuaire",
          "Océan", "Confluences", "Horizons", "Avenir", "Compétences", "Métiers", "Pro", "Saint-Nazaire"]
_STREETS = ["rue de la Formation", "avenue des Métiers", "boulevard de l'Industrie", "rue du Commerce",
            "impasse des Artisans", "rue de l'Avenir", "place de la Gare", "route de Nantes"]


def _with_official_names(communes) -> pd.DataFrame:
    """Communes sorted by code, with ``town``: the name as producers write it (with its article)."""
    com = communes.sort_values("code").reset_index(drop=True)
    names = official_names()
    com["town"] = [names.get(code, name) for code, name in zip(com.code, com["name"])]
    return com


def demo_organisms(communes) -> pd.DataFrame:
    """About 140 training organisms of the region, placed in real communes (more in populous
    ones). Drawn with their own fixed seed, so the training-offer and the organisms demo files
    name the same organisms (same SIRET) whatever the order they are written in."""
    rng = np.random.default_rng(DEMO_ORGANISMS_SEED)
    com = _with_official_names(communes)
    weights = com.population.to_numpy(dtype=float) ** 1.2
    picks = rng.choice(len(com), size=140, p=weights / weights.sum())
    rows, sirens = [], set()
    for i, k in enumerate(picks):
        c = com.iloc[int(k)]
        while True:
            siren = _luhn_complete(f"{int(rng.integers(10_000_000, 99_999_999)):08d}")
            if siren not in sirens:
                sirens.add(siren)
                break
        siret = _luhn_complete(f"{siren}{int(rng.integers(1, 9)):04d}")
        domain = DEMO_DOMAINS[int(rng.integers(len(DEMO_DOMAINS)))]
        kind = _KINDS[int(rng.integers(len(_KINDS)))]
        cfa = kind == "CFA" or rng.random() < 0.2
        rows.append({
            "siret": siret, "siren": siren, "nda": f"52{c.dep}{int(rng.integers(0, 9_999_999)):07d}",
            "name": f"{kind} {_WORDS[int(rng.integers(len(_WORDS)))]} {domain[1].split(',')[0]}",
            "address": f"{int(rng.integers(1, 120))} {_STREETS[int(rng.integers(len(_STREETS)))]}",
            "postcode": c.postcode, "town": c.town, "commune_code": c.code, "domain": domain[0],
            "cfa": bool(cfa), "qualiopi_training": bool(rng.random() < 0.85),
            "qualiopi_skills_review": bool(rng.random() < 0.15), "qualiopi_vae": bool(rng.random() < 0.2),
            "trainees": int(rng.lognormal(5.0, 1.1)), "trainers": int(rng.integers(1, 60)),
        })
    return pd.DataFrame(rows)


_F, _A, _O = "formation/", "formation/action/", "formation/organisme-formation-responsable/"
_PLACE = "formation/action/lieu-de-formation/coordonnees/adresse/"
UPDATED = "20250815"          # the datemaj of every formation and action


def _formation(f: int, orgs: pd.DataFrame, certs: pd.DataFrame, rng: np.random.Generator) -> tuple[dict, pd.Series, object, bool]:
    """The columns of formation ``f`` (its organism, domain, certification or short title), the
    organism, the certification (or None) and whether it is certifying."""
    org = orgs.iloc[int(rng.integers(len(orgs)))]
    prefix = org.domain if rng.random() < 0.7 else DEMO_DOMAINS[int(rng.integers(len(DEMO_DOMAINS)))][0]
    domain = next(d for d in DEMO_DOMAINS if d[0] == prefix)
    candidates = certs[certs.domain == prefix]
    certifying = rng.random() < 0.65
    if certifying:
        cert = candidates.iloc[int(rng.integers(len(candidates)))]
        title = cert.title
    else:
        cert = None
        title = _SHORT[prefix][int(rng.integers(len(_SHORT[prefix])))]
    codes = list(domain[5][: int(rng.integers(1, 4))])
    row = {f"{_F}@numero": f"52_{f:06d}", f"{_F}@datemaj": UPDATED, f"{_F}domaine-formation/code-FORMACODE": codes,
           f"{_F}domaine-formation/code-NSF": domain[3], f"{_F}intitule-formation": title,
           f"{_F}objectif-formation": "Acquérir les compétences du domaine " + domain[1].lower(),
           f"{_F}resultats-attendus": "Certification visée" if certifying else "Attestation de formation",
           f"{_F}contenu-formation": "Apports théoriques, mises en situation, évaluation.",
           f"{_F}certifiante": 1 if certifying else 0,
           f"{_F}contact-formation/coordonnees/courriel": "contact@formation.example",
           f"{_F}parcours-de-formation": int(rng.integers(1, 5)),
           f"{_F}code-niveau-entree": int(rng.choice([0, 1, 3, 4, 5])),
           f"{_F}certification/code-RNCP": None if cert is None else cert.rncp,
           f"{_F}certification/code-CERTIFINFO": None if cert is None else cert.certifinfo,
           f"{_F}code-niveau-sortie": None if cert is None else _LHEO_LEVEL[int(cert.level)],
           f"{_O}@numero": org.siret, f"{_O}numero-activite": org.nda, f"{_O}SIRET-organisme-formation/SIRET": org.siret,
           f"{_O}nom-organisme": org["name"], f"{_O}raison-sociale": org["name"].upper(),
           f"{_O}coordonnees-organisme/coordonnees/adresse/ligne": org.address,
           f"{_O}coordonnees-organisme/coordonnees/adresse/codepostal": org.postcode,
           f"{_O}coordonnees-organisme/coordonnees/adresse/ville": org.town,
           f"{_O}contact-organisme/coordonnees/courriel": "accueil@organisme.example"}
    return row, org, cert, certifying


def demo_frame(communes, rng: np.random.Generator, random_point, formations: int = 400) -> pd.DataFrame:
    """The demo actions, one row per action, in the columns of :data:`sources.training_offer.WRITE_COLUMNS`
    (see :func:`write_demo`)."""
    orgs = demo_organisms(communes)
    certs = demo_certifications()
    com = _with_official_names(communes)
    weights = com.population.to_numpy(dtype=float)
    weights = weights / weights.sum()
    by_code = {c: i for i, c in enumerate(com.code)}
    rows = []
    for f in range(1, formations + 1):
        formation, org, cert, certifying = _formation(f, orgs, certs, rng)
        for a in range(1, int(rng.choice([1, 2, 3], p=[0.45, 0.35, 0.2])) + 1):
            action = _demo_action(f"{formation[_F + '@numero']}_{a}", org, cert, certifying, com, weights, by_code, rng,
                                  random_point)
            rows.append({**formation, **action})
    return pd.DataFrame(rows, columns=list(training_offer.WRITE_COLUMNS), dtype=object)


def _alternance(org, certifying: bool, rng: np.random.Generator) -> tuple[str, str]:
    """The public code and the alternance text of an action."""
    cfa_offer = bool(certifying and org.cfa and rng.random() < 0.6)
    mention_only = bool(certifying and not cfa_offer and rng.random() < 0.05)
    pro_contract = bool(not cfa_offer and not mention_only and rng.random() < 0.08)
    if cfa_offer:
        return APPRENTICESHIP_PUBLIC, "Contrat d'apprentissage : 1 semaine en centre, 2 semaines en entreprise"
    if mention_only:   # the text rule alone (no 82027 code)
        return "83056", "Possible en apprentissage : rythme 2 jours en centre, 3 jours en entreprise"
    if pro_contract:
        return PROFESSIONALISATION_PUBLIC, "Contrat de professionnalisation, rythme à définir"
    return str(rng.choice(["80006", "82044", "83056"])), "Sans objet"


def _demo_action(aid, org, cert, certifying, com, weights, by_code, rng, random_point) -> dict:
    public, alternance = _alternance(org, certifying, rng)
    k = by_code[org.commune_code] if rng.random() < 0.7 else int(rng.choice(len(com), p=weights))
    c = com.iloc[k]
    town = c.town.upper() if rng.random() < 0.3 else c.town
    row = {f"{_A}@numero": aid, f"{_A}@datemaj": UPDATED,
           f"{_A}rythme-formation": "Temps plein" if rng.random() < 0.7 else "Temps partiel",
           f"{_A}code-public-vise": public, f"{_A}niveau-entree-obligatoire": int(rng.integers(0, 2)),
           f"{_A}modalites-alternance": alternance, f"{_A}modalites-enseignement": int(rng.choice([0, 0, 0, 1, 2])),
           f"{_A}conditions-specifiques": "Aucune", f"{_A}prise-en-charge-frais-possible": 1,
           f"{_PLACE}ligne": f"{int(rng.integers(1, 120))} {_STREETS[int(rng.integers(len(_STREETS)))]}",
           f"{_PLACE}codepostal": c.postcode, f"{_PLACE}ville": town}
    point = random_point(c.geometry, rng)
    located = rng.random() >= 0.08          # about 8 % of the places are not geolocated
    row[f"{_PLACE}geolocalisation/latitude"] = f"{point.y:.6f}" if located else None
    row[f"{_PLACE}geolocalisation/longitude"] = f"{point.x:.6f}" if located else None
    permanent = rng.random() < 0.15
    row[f"{_A}modalites-entrees-sorties"] = 1 if permanent else 0
    sessions = []
    for s in range(1, int(rng.integers(1, 5)) + 1):
        if permanent and s == 1:
            start, end = "00000000", "99999999"
        else:
            start_date = dt.date(2025, 9, 1) + dt.timedelta(days=int(rng.integers(0, 300)))
            end_date = start_date + dt.timedelta(days=int(rng.integers(5, 700)))
            start, end = f"{start_date:%Y%m%d}", f"{end_date:%Y%m%d}"
        sessions.append({"numero": f"{aid}_{s}", "debut": start, "fin": end, "ligne": org.address,
                         "codepostal": org.postcode, "ville": org.town})
    row[f"{_A}session"] = sessions
    row[f"{_A}organisme-formateur/SIRET-formateur/SIRET"] = org.siret
    row[f"{_A}organisme-formateur/raison-sociale-formateur"] = org["name"].upper()
    return row


def write_demo(dest: Path, communes, rng: np.random.Generator, random_point) -> Path:
    """Write ``dest``/``SOURCE.demo_file`` (returned): a valid LHÉO 2.3 document (namespace
    ``http://lheo.gouv.fr/2.3``) of about 400 formations and 700 actions in real communes of the
    region, given by the organisms of :func:`demo_organisms`, with Formacode-like codes of
    :data:`DEMO_DOMAINS`, levels CAP to bac+5, apprenticeship actions, places without coordinates
    and permanent entries (unknown session dates); ``random_point(geometry, rng)`` draws the places
    in their commune. Same ``rng`` state, same bytes."""
    path = Path(dest) / training_offer.SOURCE.demo_file
    training_offer.write(path, demo_frame(communes, rng, random_point), stamp=DEMO_EXPORT_STAMP)
    return path
