"""Where to get advice: the SPRO networks' access points, from the Annuaire de l'administration.

The DILA's *Annuaire de l'administration et des services publics* (Service-Public.fr, "base de
données locales") lists the local offices of public services, each tagged by one or more
``pivot`` types. It is the one open, national, maintained directory that covers most networks of
the service public régional de l'orientation (SPRO), with addresses, coordinates and contacts:

=========================  ==========================================================
network (code)             directory ``type_service_local`` (pivot)
=========================  ==========================================================
France Travail             ``france_travail`` (``pole_emploi`` before 2024)
Mission locale             ``mission_locale`` (missions locales and their PAIO)
Cap emploi                 ``cap_emploi``
Information Jeunesse       ``cij`` ("Information jeunesse, réseau local": CRIJ, BIJ, PIJ)
SUIO                       ``suio`` (service universitaire d'information et d'orientation)
Apec                       ``apec``
=========================  ==========================================================

CIO are taken from the Éducation nationale directory instead (``sources/establishments.py``,
type "Information et orientation"): that directory is authoritative for them and identifies
them by UAI, so the annuaire's ``cio`` entries are not read (one source per network). MIFE and
Transitions Pro have no open directory file; they are not covered (the README says so).

Official formats read (both are UTF-8 JSON):

* the data.gouv.fr bulk file: ``{"service": [records]}``, structured fields as JSON values.
  **Evidence: real** — one real record, ``../shared/data/real/dila-annuaire-administration_one-record.json``
  (carrier GitHub ``MTES-MCT/acceslibre``, ``tests/erp/imports/mapper/fixtures.py``, fixture
  ``service_public_valid()``): its keys, the nesting of ``adresse`` (a list of addresses, with
  ``latitude`` and ``longitude`` as strings), ``telephone``, ``site_internet``, ``pivot``
  (``[{"type_service_local", "code_insee_commune": [...]}]``), ``adresse_courriel`` (a list);
* the Opendatasoft export of the API (``…/api-lannuaire-administration/exports/json``): a JSON
  array of records whose structured fields (``pivot``, ``adresse``, ``telephone``,
  ``site_internet``) are JSON *strings* and ``adresse_courriel`` a plain string. No real export
  was seen (public code only): both forms of every field are read.

``header(path)`` gives the keys of the records as dotted paths (``adresse.latitude``…; JSON
strings decoded), on which :data:`SOURCE` declares its needs.

A file without any access point of the SPRO networks (the real record above: a town hall,
pivot ``mairie``; an export made with another filter) raises
:class:`~sources.common.NoRegionalRows`, like a file without a record of the region: the dataset
is left out and the section "Où s'informer" says why. It is not read as an empty directory,
which would make every commune "far" from every network — a false figure.

The file is national: records whose commune (``code_insee_commune``; otherwise the commune of
the address, by name and postcode) is outside the region are left out. Coordinates come from the
physical address (``type_adresse`` "Adresse"); an entry without them is placed by its commune.
An entry with two pivots of interest (a Point Information Jeunesse inside a mission locale)
counts as an access point of each network.

Writing: :func:`write` writes records (a frame of the record's own keys) in the data.gouv.fr
layout; :func:`read` keeps only the SPRO networks' records and a few fields, so the round trip
(tests/test_write_service_public.py) states the tidy table expected. The demo offices are drawn in
``portraits/demo/service_public.py``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from .common import Loaded, Need, NoRegionalRows, Source, SourceError, check_needs, json_paths, read_text
from .datafrance import MatchError, match_commune

# SPRO network code → the directory's pivots read for it (the CIO come from the Éducation nationale's
# annuaire, sources/establishments.py). Each feeds the indicator access_far_share_<code>; the
# portraits' labels and colours of the networks are in portraits/networks.py.
NETWORK_PIVOTS = {
    "cio": (),
    "france_travail": ("france_travail", "pole_emploi"),
    "mission_locale": ("mission_locale",),
    "cap_emploi": ("cap_emploi",),
    "information_jeunesse": ("cij",),
    "suio": ("suio",),
    "apec": ("apec",),
}
PIVOT_TO_NETWORK = {p: code for code, pivots in NETWORK_PIVOTS.items() for p in pivots}

# The keys of the real record (dila-annuaire-administration_one-record.json), in its order, and
# of its nested objects: what the demo writes; those not in SOURCE.needs are known columns.
RECORD_KEYS = (
    "plage_ouverture", "plage_ouverture.nom_jour_debut", "plage_ouverture.nom_jour_fin",
    "plage_ouverture.valeur_heure_debut_1", "plage_ouverture.valeur_heure_fin_1", "plage_ouverture.valeur_heure_debut_2",
    "plage_ouverture.valeur_heure_fin_2", "plage_ouverture.commentaire", "site_internet", "site_internet.libelle",
    "site_internet.valeur", "copyright", "siren", "ancien_code_pivot", "reseau_social", "texte_reference", "partenaire",
    "telecopie", "siret", "itm_identifiant", "sigle", "affectation_personne", "date_modification",
    "adresse_courriel", "service_disponible", "organigramme", "pivot", "pivot.code_insee_commune",
    "partenaire_identifiant", "ancien_identifiant", "ancien_nom", "commentaire_plage_ouverture", "annuaire", "tchat",
    "hierarchie", "categorie", "sve", "telephone_accessible", "application_mobile", "version_type", "type_repertoire",
    "telephone", "telephone.valeur", "telephone.description", "version_etat_modification", "date_creation",
    "partenaire_date_modification", "mission", "formulaire_contact", "version_source", "type_organisme",
    "code_insee_commune", "statut_de_diffusion", "adresse", "adresse.type_adresse", "adresse.complement1",
    "adresse.complement2", "adresse.numero_voie", "adresse.service_distribution", "adresse.code_postal",
    "adresse.nom_commune", "adresse.pays", "adresse.continent", "adresse.accessibilite",
    "adresse.note_accessibilite", "url_service_public", "information_complementaire", "date_diffusion")

_WHERE = " or ".join(f'pivot like "{p}"' for p in PIVOT_TO_NETWORK)

SOURCE = Source(
    id="service_public",
    family="orientation",
    title="Annuaire de l'administration et des services publics (base de données locales)",
    producer="Direction de l'information légale et administrative (DILA), Service-Public.fr",
    licence="Licence Ouverte v2.0 (Etalab)",
    url=("https://api-lannuaire.service-public.gouv.fr/api/explore/v2.1/catalog/datasets/"
         f"api-lannuaire-administration/exports/json?where={quote(_WHERE)}"),
    page="https://www.data.gouv.fr/fr/datasets/service-public-fr-annuaire-de-l-administration-base-de-donnees-locales/",
    file_patterns=("api-lannuaire-administration*.json", "annuaire-administration*.json"),
    demo_file="api-lannuaire-administration.json",
    download_name="api-lannuaire-administration.json",
    description="Agences France Travail, missions locales, Cap emploi, Information Jeunesse, SUIO et Apec, "
                "avec adresse, coordonnées et contacts.",
    needs=(Need("id", ("access_points",)), Need("nom", ("access_points",)),
           Need("pivot.type_service_local", ("access_points", "access_far_share", "access_mean_km",
                                             *(f"access_far_share_{code}" for code in NETWORK_PIVOTS))),
           # Without coordinates an access point is placed at its commune.
           Need("adresse.latitude", ("access_points",), required=False),
           Need("adresse.longitude", ("access_points",), required=False)),
    # The other keys of the real record. Read when present (the commune, address and contacts,
    # each with a fallback: the commune of the address, no contact shown), or not read.
    known_columns=RECORD_KEYS,
    evidence="réel",
    evidence_where="une fiche réelle au format data.gouv.fr (../shared/data/real/dila-annuaire-administration_one-record.json, "
                   "GitHub MTES-MCT/acceslibre) ; export de l'API : code public",
)

COLUMNS = ["id", "network", "name", "address", "postcode", "town", "commune_code", "lat", "lon",
           "phone", "email", "website", "url_service_public", "updated"]


def _json_field(path: Path, n: int, record: dict, name: str):
    """A structured field, given as a JSON string (API export) or a JSON value (bulk file)."""
    value = record.get(name)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text[0] not in "[{":
            return text              # a plain string (adresse_courriel is one in the API export)
        try:
            return json.loads(text)
        except ValueError as exc:
            raise SourceError(path, f"fiche n° {n} (id {record.get('id')!r}) : champ {name} illisible ({exc})") from exc
    return value


def _first(value, key: str = "valeur") -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get(key)
    return str(value).strip() or None if value is not None else None


def _coordinate(path: Path, n: int, record: dict, value, name: str, limit: float) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        x = float(str(value).replace(",", "."))
    except ValueError as exc:
        raise SourceError(path, f"fiche n° {n} (id {record.get('id')!r}) : {name} non numérique {value!r}") from exc
    if not -limit <= x <= limit:
        raise SourceError(path, f"fiche n° {n} (id {record.get('id')!r}) : {name} hors bornes {value!r}")
    return x


def _records(path: Path) -> list[dict]:
    text = read_text(path)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SourceError(path, f"JSON illisible ({exc.__class__.__name__} : {exc}) — fichier tronqué ?") from exc
    if isinstance(data, dict) and isinstance(data.get("service"), list):
        return data["service"]
    if isinstance(data, list):
        return data
    raise SourceError(path, "format inattendu : ni un tableau de fiches (export de l'API) ni un objet "
                            "{\"service\": [...]} (fichier de data.gouv.fr)")


def _decoded(record: dict) -> dict:
    """A record with its structured fields given as JSON strings (API export) decoded."""
    out = {}
    for key, value in record.items():
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            try:
                value = json.loads(value)
            except ValueError:
                pass                     # the reader names it when it reads the field
        out[key] = value
    return out


def header(path: Path) -> list[str]:
    """The keys of the file's records as dotted paths (``id``, ``pivot.type_service_local``,
    ``adresse.latitude``…), structured fields given as JSON strings decoded: what the needs of
    :data:`SOURCE` are declared on."""
    return json_paths([_decoded(r) for r in _records(Path(path)) if isinstance(r, dict)])


def read(paths: list[Path], communes: set[str] | dict[str, str] | None = None) -> Loaded:
    path = paths[-1]
    records = _records(path)
    warnings: list[str] = []
    missing: list[dict] = []
    keys = json_paths([_decoded(r) for r in records if isinstance(r, dict)])
    if keys:
        check_needs(path, keys, SOURCE, warnings, missing, line=None)
    known = communes if isinstance(communes, dict) else ({c: c for c in communes} if communes else None)
    seen = _Seen(departements={c[:2] for c in known} if known else None)
    rows = []
    for n, rec in enumerate(records, start=1):
        rows.extend(_record_rows(path, n, rec, known, seen))
    if not rows:
        # Nothing usable: left out, its section says why (an empty table would read as "no office").
        raise _nothing_read(path, len(records), seen)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["lat"] = frame.lat.astype("Float64")
    frame["lon"] = frame.lon.astype("Float64")
    warnings += _warnings(path, frame, seen)
    dates = pd.to_datetime(frame.updated, errors="coerce", dayfirst=True, format="mixed")
    vintage = f"annuaire mis à jour le {dates.max():%d/%m/%Y}" if dates.notna().any() else "extraction non datée"
    frame = frame.sort_values(["network", "commune_code", "id"], ignore_index=True)
    return Loaded(SOURCE, frame, vintage=vintage, files=[path.name], warnings=warnings, missing=missing)


@dataclass
class _Seen:
    """What the reading met besides rows: for the checks and the warnings."""
    departements: set[str] | None       # the region's (None: every record is read)
    ids: set[str] = field(default_factory=set)
    duplicates: list[str] = field(default_factory=list)
    unlocated: list[str] = field(default_factory=list)   # ids of records without an identifiable commune
    others: int = 0                      # records of other regions
    kinds: dict[str, int] = field(default_factory=dict)  # pivot types of the records not read


def _record_rows(path: Path, n: int, rec: object, known: dict[str, str] | None, seen: _Seen) -> list[dict]:
    """The rows of one record: one per SPRO network of its pivots, none for a record left out
    (another network type, another region, a duplicate, no commune), counted in ``seen``."""
    if not isinstance(rec, dict):
        raise SourceError(path, f"fiche n° {n} : un objet JSON est attendu, pas {type(rec).__name__}")
    pivots = _json_field(path, n, rec, "pivot") or []
    if isinstance(pivots, dict):
        pivots = [pivots]
    types = [p.get("type_service_local") for p in pivots if isinstance(p, dict)]
    networks = sorted({PIVOT_TO_NETWORK[t] for t in types if t in PIVOT_TO_NETWORK})
    if not networks:
        for t in types or ["sans type"]:
            seen.kinds[str(t)] = seen.kinds.get(str(t), 0) + 1
        return []
    rid = str(rec.get("id") or "").strip()
    addr = _address(path, n, rec)
    postcode = str(addr.get("code_postal") or "").strip()
    town = str(addr.get("nom_commune") or "").strip()
    code = str(rec.get("code_insee_commune") or "").strip()
    if not code and pivots and isinstance(pivots[0], dict):
        served = pivots[0].get("code_insee_commune") or []
        code = served[0] if isinstance(served, list) and len(served) == 1 else ""
    # The file is national: a record of another region (by its commune, else its postcode) is
    # left out before anything else of it is checked.
    if seen.departements is not None and (code or postcode)[:2] not in seen.departements:
        seen.others += 1
        return []
    if not rid:
        raise SourceError(path, f"fiche n° {n} : identifiant (id) absent")
    if rid in seen.ids:
        seen.duplicates.append(rid)
        return []
    seen.ids.add(rid)
    code = _commune(path, n, rid, code, town, postcode, known, seen)
    if code is None:
        return []
    base = _row(path, n, rec, addr, rid, postcode, town, code)
    return [{**base, "network": net} for net in networks]


def _address(path: Path, n: int, rec: dict) -> dict:
    """The physical address of a record (``type_adresse`` "Adresse"), else its first address."""
    addresses = _json_field(path, n, rec, "adresse") or []
    if isinstance(addresses, dict):
        addresses = [addresses]
    physical = [a for a in addresses if isinstance(a, dict) and a.get("type_adresse", "Adresse") == "Adresse"]
    return physical[0] if physical else (addresses[0] if addresses and isinstance(addresses[0], dict) else {})


def _commune(path: Path, n: int, rid: str, code: str, town: str, postcode: str, known: dict[str, str] | None,
             seen: _Seen) -> str | None:
    """The current commune of a record: its code, else the commune of its address; None (and
    counted) when unidentifiable or in another region."""
    if code and not (len(code) == 5 and code[:2].isalnum() and code[2:].isdigit()):
        raise SourceError(path, f"fiche n° {n} (id {rid!r}) : code commune invalide {code!r}")
    if not code:
        try:
            code = match_commune(town.split(" Cedex")[0].split(" CEDEX")[0], postcode).current
        except MatchError:
            seen.unlocated.append(rid)
            return None
    if known is None:
        return code
    if code[:2] not in seen.departements:
        seen.others += 1
        return None        # the commune of the address is in another region
    if code not in known:
        raise SourceError(path, f"fiche n° {n} (id {rid!r}) : code commune inconnu {code!r}")
    return known[code]


def _row(path: Path, n: int, rec: dict, addr: dict, rid: str, postcode: str, town: str, code: str) -> dict:
    """The columns of :data:`COLUMNS` but the network, for one record."""
    lat = _coordinate(path, n, rec, addr.get("latitude"), "latitude", 90)
    lon = _coordinate(path, n, rec, addr.get("longitude"), "longitude", 180)
    if lat == 0 and lon == 0:
        lat = lon = None     # "0,0" is a placeholder, not a place
    street = ", ".join(str(addr.get(k)).strip() for k in ("numero_voie", "complement1", "complement2")
                       if addr.get(k) and str(addr.get(k)).strip())
    site = _json_field(path, n, rec, "site_internet")
    base = {"id": rid, "name": str(rec.get("nom") or "").strip(), "address": street or None,
            "postcode": postcode or None, "town": town or None, "commune_code": code, "lat": lat, "lon": lon,
            "phone": _first(_json_field(path, n, rec, "telephone")),
            "email": _first(_json_field(path, n, rec, "adresse_courriel")),
            "website": _first(site), "url_service_public": str(rec.get("url_service_public") or "").strip() or None,
            "updated": str(rec.get("date_modification") or "").strip() or None}
    if not base["name"]:
        raise SourceError(path, f"fiche n° {n} (id {rid!r}) : nom absent")
    return base


def _nothing_read(path: Path, count: int, seen: _Seen) -> NoRegionalRows:
    """Why no access point was read, in words."""
    if seen.unlocated:
        return NoRegionalRows(path, f"aucun point d'accueil des réseaux du SPRO localisable ({len(seen.unlocated)} "
                                    f"fiches sans commune identifiable : {', '.join(seen.unlocated[:10])})")
    if seen.others:
        return NoRegionalRows(path, f"aucun point d'accueil des réseaux du SPRO dans la région ({seen.others} fiches "
                                    f"d'autres régions)")
    found = ", ".join(f"{t} ({k})" for t, k in sorted(seen.kinds.items(), key=lambda x: (-x[1], x[0]))[:5])
    return NoRegionalRows(path, f"aucun point d'accueil des réseaux du SPRO (types lus : "
                                f"{', '.join(sorted(PIVOT_TO_NETWORK))}) parmi {count} fiches"
                                + (f" ; types présents : {found}" if found else ""))


def _warnings(path: Path, frame: pd.DataFrame, seen: _Seen) -> list[str]:
    warnings = []
    if seen.duplicates:
        warnings.append(f"{path.name} : fiches en double ({', '.join(sorted(set(seen.duplicates))[:10])}) ; "
                        "la première est retenue")
    if seen.others:
        warnings.append(f"{path.name} : {seen.others} points d'accueil d'autres régions ignorés (fichier national)")
    if seen.unlocated:
        warnings.append(f"{path.name} : {len(seen.unlocated)} fiches sans commune identifiable, écartées "
                        f"({', '.join(seen.unlocated[:10])})")
    nocoord = frame.lat.isna() | frame.lon.isna()
    if nocoord.any():
        warnings.append(f"{path.name} : {int(nocoord.sum())} points d'accueil sans coordonnées, placés par leur commune")
    return warnings


# ---------------------------------------------------------------------------------------------
# Writing: the data.gouv.fr layout (the demo draws its offices in portraits/demo/service_public.py).

def write(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` (one row per record, the record's keys as columns, in order; structured
    fields as lists and dicts) in the data.gouv.fr layout, ``{"service": [records]}``, one record a
    line (diffable), UTF-8 unescaped. The exact inverse of the file, not of :func:`read` (which
    keeps the SPRO networks' records and a few of their fields)."""
    lines = [json.dumps(dict(zip(frame.columns, row)), ensure_ascii=False)
             for row in frame.itertuples(index=False, name=None)]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text('{"service": [\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")
