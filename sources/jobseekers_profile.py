"""Jobseekers by category, sex, age band and registration seniority, by bassin d'emploi: the
France Travail API "Marché du travail" (indicator ``DE_1``, endpoint ``stat-demandeurs``).

**Evidence: real** (``SOURCE.evidence``):

- the API's own referentials, November 2022 (``../shared/data/real/``
  ``francetravail-referentiel-indicateurs_2022-11.json``, ``…-periodes-TRIMESTRE_2022-11.json``,
  ``…-territoires-REG_2022-11.json``; carrier GitHub ``Oktiuw/Data-collecting``,
  ``public/jsonFiles/``): for ``DE_1`` the territory types are ``NAT``, ``REG``, ``DEP``,
  ``BASBMO`` ("Bassin (BMO)"), ``AGC``, ``EPCI`` — bassins are asked as :data:`BASSIN_TYPE`
  ``BASBMO`` (``BE``, found in older notes, is not a type of the API); the crossings allowed
  (territory type × ``CUMUL`` × ``TRIMESTRE`` × ``CATCAND``) include every request of
  :func:`sources.download.fetch_jobseekers_profile`; quarters are ``2022T3`` / "3ème trimestre 2022", "1er trimestre 2022"; region
  codes are two characters (``01`` … ``94``);
- one real ``DE_1`` answer (REG 75, ROME A1203; GitHub ``Oktiuw/Data-collecting``,
  ``src/jsonFiles/example.json``, commit fee3569e; its request in ``src/example.php``), which
  its carrier asked as XML and turned into JSON: keys, codes and labels are real, and every leaf
  is a string (``"4430"``, ``"51.0"``, ``"masque": "false"``). The JSON API sends numbers and
  booleans: **both are read** — numbers from numbers or numeric strings (empty: missing), the
  mask from booleans or ``"true"``/``"false"``; anything else is an error naming the value and
  where it is.

Still uncertain, and handled tolerantly: no answer to a ``CUMUL`` request nor for a ``BASBMO``
bassin was seen (bassin codes are taken to be the 4-digit BMO codes, as the type's label says;
:func:`check_bassins` refuses codes the bassin table does not know, the warehouse calls it); no
masked cell was seen (``masque`` true: missing, never 0). A territory type other than the known
ones (e.g. ``BE`` in older files) is read as a bassin, recognised by its code.

Answer layout (top level ``datMaj, codeIndicateur, codeFamille, libIndicateur,
listeValeursParPeriode``): one value per territory × category × quarter (``codeTypeTerritoire,
codeTerritoire, libTerritoire, codeTypeActivite, codeActivite, libActivite, codeNomenclature,
libNomenclature, codeTypePeriode, codePeriode, libPeriode, valeurPrincipaleNombre`` — the total —
``valeurSecondairePourcentage, listeValeurParCaract``), each characteristic ``{codeTypeCaract,
codeCaract, libCaract, nombre, pourcentage, masque}``. Characteristic types of ``DE_1``
(:data:`KNOWN_TYPES`): ``GENRE`` (H Homme, F Femme), ``AGE`` (AGE1 "15-24 ans", AGE2 "25-49 ans",
AGE3 "50 ans et +"), ``CHOMANC`` (CHM1 "Moins de 3 mois" … CHM5 "2 ans et +"), and ``GENRExAGE``,
``NIVFORM``, ``NIVQUAL``, ``NIVQUAL2T``, ``NIVEXP``, ``THOE``, ``CPDE``, kept and not used. A
type not listed whose labels are all age bands is taken for the age (tolerance kept); each band
must fall in under 25, 25–49 or 50 and over, else it is an error naming it. Seniority classes are
classified by their label into under one year and one year or more (long-term); a label that
cannot be classified is an error naming it. Categories: ``A`` and ``ABC`` are used; the others
an answer holds (``ABCDE``, ``B``, ``C``, ``D``, ``E``) are kept and not used. Values of an
activity other than the cumul of all activities (``ROME A1203`` in the real answer) are left out
and counted in a warning: they are a part of the jobseekers, not their total.

Raw file (written by :func:`fetch`, one per run, atomically): ``francetravail-stat-demandeurs.json``,
a JSON list of ``{"requete": <request body>, "reponse": <API answer, or null when the API had no
content>}``; a request the API refused is saved as ``{"requete", "reponse": null, "erreur":
<message>}`` and the reader names it in a warning. Its values are missing (a total ``null`` for
each category and quarter of the file), so that no sum over bassins silently leaves it out.

Rows read (one per area × category × quarter × characteristic, the total as characteristic type
``TOTAL``): a cell with ``masque`` true or no ``nombre`` is missing (secret), never 0. Only the
region's rows are kept: its ``REG`` row, its départements and the bassins (whose codes the
warehouse checks against the BMO bassin table); rows of another region or département are left
out before any of their values is checked, and a file with territories but none of the region
(fetched for another region) raises :class:`~sources.common.NoRegionalRows`. The sum of
the bassins is compared with the regional row (warning beyond :data:`REGION_GAP_WARNING` %).
``header(path)`` gives the keys of the answers as dotted paths (``listeValeursParPeriode.codePeriode``…),
on which :data:`SOURCE` declares its needs.

Writing: :func:`write` writes the file's own records (``{requete, reponse}``) as the raw file;
:func:`read` keeps the region's cumul values and classifies them, so the round trip
(tests/test_write_jobseekers_profile.py) states the tidy rows expected. The demo answers are
drawn in ``portraits/demo/jobseekers_profile.py``.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


from .common import (Loaded, Need, NoRegionalRows, Source, SourceError, cell_number, check_needs, json_paths,
                     normalise_name, read_text, bassin_code, wording)
from .common.bands import age_group, seniority_group, sex_group
from .datafrance import region_info

API_ROOT = "https://api.francetravail.io/partenaire/stats-offres-demandes-emploi/v1"
API_URL = f"{API_ROOT}/indicateur/stat-demandeurs"
TOKEN_URL = "https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=/partenaire"
SCOPE = "api_stats-offres-demandes-emploiv1 offresetdemandesemploi"
CLIENT_ID_ENV, CLIENT_SECRET_ENV = "FT_API_CLIENT_ID", "FT_API_CLIENT_SECRET"
INDICATOR = "DE_1"          # the code of stat-demandeurs in the API's referential
BASSIN_TYPE = "BASBMO"      # territory type of the BMO bassins in DE_1's referential ("Bassin (BMO)")

# Keys of the answer read (dotted paths, see header()), and what they feed.
V = "listeValeursParPeriode."
C = "listeValeursParPeriode.listeValeurParCaract."
_COUNTS = ("jobseekers_cat_a", "jobseekers_cat_a_change_1y", "jobseekers_cat_abc_bassins")
_SHARES = ("jobseekers_share_under25", "jobseekers_share_50plus", "jobseekers_share_long_term",
           "jobseekers_share_women")
_ALL = (*_COUNTS, *_SHARES, "jobseekers_profile")

SOURCE = Source(
    id="jobseekers_profile",
    family="employment",
    title="Demandeurs d'emploi par catégorie, sexe, âge et ancienneté d'inscription, par bassin d'emploi "
          "(API Marché du travail)",
    producer="France Travail",
    licence="Licence Ouverte v2.0 (Etalab)",
    url=API_URL,
    page="https://francetravail.io/data/api/marche-travail",
    file_patterns=("francetravail-stat-demandeurs*.json",),
    demo_file="francetravail-stat-demandeurs.json",
    download_name="francetravail-stat-demandeurs.json",
    description="Demandeurs d'emploi en fin de trimestre par catégorie (A ; A, B, C), sexe, tranche d'âge et "
                "ancienneté d'inscription, par bassin d'emploi BMO, département et région.",
    notes=("Téléchargement par l'API (identifiants France Travail requis : FT_API_CLIENT_ID, FT_API_CLIENT_SECRET).",
           "Structure des réponses vérifiée sur une réponse réelle de l'indicateur DE_1 et sur les référentiels "
           "de l'API.",
           "Cellules masquées (« masque ») : valeur secrète, jamais comptée comme zéro."),
    needs=(Need(V + "codeTypeTerritoire", _ALL), Need(V + "codeTerritoire", _ALL),
           Need(V + "codeNomenclature", _ALL), Need(V + "codePeriode", _ALL),
           Need(V + "valeurPrincipaleNombre", _ALL),
           # Without the characteristics the counts are read, the shares are not.
           Need(C + "codeTypeCaract", (*_SHARES, "jobseekers_profile"), required=False),
           Need(C + "codeCaract", (*_SHARES, "jobseekers_profile"), required=False),
           Need(C + "libCaract", (*_SHARES, "jobseekers_profile"), required=False),
           Need(C + "nombre", (*_SHARES, "jobseekers_profile"), required=False)),
    # The other keys of the real answer. Read when present, nothing depends on them: libTerritoire
    # (a name), libPeriode (read when the period code cannot be), codeTypeActivite / codeActivite
    # (values of another activity than the cumul are left out), masque (a cell without nombre is
    # missing anyway).
    known_columns=("datMaj", "codeIndicateur", "codeFamille", "libIndicateur", "listeValeursParPeriode",
                   V + "datMaj", V + "libTerritoire", V + "codeTypeActivite", V + "codeActivite", V + "libActivite",
                   V + "libNomenclature", V + "codeTypePeriode", V + "libPeriode", V + "valeurSecondairePourcentage",
                   V + "listeValeurParCaract", C + "pourcentage", C + "masque"),
    evidence="réel",
    evidence_where="référentiels de l'API (../shared/data/real/francetravail-referentiel-*_2022-11.json) ; "
                   "réponse DE_1 réelle (GitHub Oktiuw/Data-collecting, src/jsonFiles/example.json, convertie "
                   "de XML en JSON : feuilles en texte)",
)

AREA_TYPES = {"REG": "region", "DEP": "departement", BASSIN_TYPE: "bassin"}   # unknown types: a bassin, by its code
NOT_ASKED = {"NAT", "AGC", "EPCI"}       # other territory types of DE_1: never asked, left out
CUMUL = "CUMUL"                          # the activity type of all activities together
KNOWN_TYPES = {"GENRE": "sex", "AGE": "age", "CHOMANC": "seniority", "GENRExAGE": None, "NIVFORM": None,
               "NIVQUAL": None, "NIVQUAL2T": None, "NIVEXP": None, "THOE": None, "CPDE": None}
TOTAL = "TOTAL"
GROUPS = ("total", "women", "men", "under25", "age25_49", "age50plus", "short_term", "long_term")
OUTPUT = ["area_type", "area_code", "area_name", "category", "quarter", "period_label", "characteristic_type",
          "characteristic_code", "characteristic_label", "grp", "count", "masked"]
REGION_GAP_WARNING = 5.0


# ---------------------------------------------------------------------------------------------
# Classification of periods and categories; age bands, seniority classes and sexes are read by value
# (never by position) with sources.common.bands.

def parse_quarter(code: object, label: object = None) -> dt.date | None:
    """First day of the quarter of ``codePeriode`` (or, failing that, of ``libPeriode``); None
    when neither can be read."""
    text = normalise_name(str(code or "")).replace(" ", "")
    m = (re.fullmatch(r"(?P<y>(?:19|20)\d{2})-?[tq](?P<q>[1-4])", text)
         or re.fullmatch(r"(?P<y>(?:19|20)\d{2})(?P<q>[1-4])", text)
         or re.fullmatch(r"[tq](?P<q>[1-4])-?(?P<y>(?:19|20)\d{2})", text))
    if not m and label:
        m = re.fullmatch(r"(?P<q>[1-4])(?:er|re|e|eme|nd)? trimestre (?P<y>(?:19|20)\d{2})", normalise_name(str(label)))
    if not m:
        return None
    return dt.date(int(m["y"]), 3 * int(m["q"]) - 2, 1)


def quarter_label(q: dt.date) -> str:
    """The quarter starting on ``q`` in words (``2e trimestre 2025``)."""
    return wording.quarter(f"{q.year}-T{(q.month - 1) // 3 + 1}")


def category(code: object) -> str:
    """``A``, ``ABC``… (spaces, commas and a ``CAT`` prefix removed)."""
    text = re.sub(r"[\s,;+]", "", str(code or "")).upper()
    return text[3:] if text.startswith("CAT") and len(text) > 3 else text


# ---------------------------------------------------------------------------------------------
# Reading

def _need(path: Path, obj: dict, key: str, where: str):
    if not isinstance(obj, dict) or key not in obj:
        raise SourceError(path, f"clé {key!r} absente ({where})")
    return obj[key]


def _count(path: Path, value, where: str) -> float | None:
    """A count given as a JSON number or as a numeric string (the XML answer turned into JSON:
    ``"4430"``); ``null`` or an empty string is missing. Anything else, or a negative count, is
    an error naming the value and where it is."""
    try:
        number = cell_number(value, missing=("",))
    except ValueError:
        number = -1.0
    if number is not None and (number < 0 or not math.isfinite(number)):
        raise SourceError(path, f"effectif invalide {value!r} ({where})")
    return number


def _masked(path: Path, value, where: str) -> bool:
    """``masque``: a JSON boolean or ``"true"``/``"false"`` (any case); absent or null: not masked."""
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text in ("true", "false"):
        return text == "true"
    raise SourceError(path, f"valeur de « masque » invalide {value!r} ({where}) : true ou false attendu")


def _load_json(path: Path) -> list:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise SourceError(path, f"JSON mal formé ({e.msg} ; fichier tronqué ?)", line=e.lineno) from None
    if not isinstance(data, list):
        raise SourceError(path, "une liste de réponses {requete, reponse} est attendue")
    return data


def _answers(data: list) -> list[dict]:
    return [item["reponse"] for item in data if isinstance(item, dict) and isinstance(item.get("reponse"), dict)]


def header(path: Path) -> list[str]:
    """The keys of the file's answers as dotted paths (``codeFamille``,
    ``listeValeursParPeriode.codeTerritoire``, ``listeValeursParPeriode.listeValeurParCaract.nombre``…):
    what the needs of :data:`SOURCE` are declared on."""
    return json_paths(_answers(_load_json(Path(path))))


def _area(request: object, where: str) -> str:
    if isinstance(request, dict):
        return f"{request.get('codeTypeTerritoire')} {request.get('codeTerritoire')}"
    return where


def read(paths: list[Path], communes: object = None, region: str = "52", bassins: set[str] | None = None) -> Loaded:
    """Read the newest file. ``communes`` is accepted for the common interface and not used (the
    data are by bassin). ``region``: rows of another region or of its départements are dropped.
    ``bassins``: the accepted bassin codes (see :func:`check_bassins`), when known."""
    path = Path(paths[-1])
    region = str(region).zfill(2)
    seen = _Seen(region, set(region_info(region)[1]))
    data = _load_json(path)
    warnings: list[str] = []
    missing: list[dict] = []
    keys = json_paths(_answers(data))
    if keys:
        check_needs(path, keys, SOURCE, warnings, missing, line=None)
    with_caract = not any(m["column"].startswith(C) for m in missing)
    records: list[tuple] = []
    for i, item in enumerate(data, start=1):
        records += _item_records(path, item, f"réponse {i}", with_caract, seen)
    if not records:
        raise _nothing_read(path, seen)
    records += _refused_rows(seen.refused, records, region, seen.departements)
    df = pd.DataFrame(records, columns=OUTPUT)
    df["grp"] = _groups(path, df)
    key = ["area_type", "area_code", "category", "quarter", "characteristic_type", "characteristic_code"]
    dup = df.duplicated(key, keep=False)
    if dup.any():
        first = df[dup].iloc[0]
        raise SourceError(path, f"valeur en double pour {first.area_type} {first.area_code}, catégorie {first.category}, "
                                f"{first.period_label}, {first.characteristic_type} {first.characteristic_code}")
    if bassins is not None:
        check_bassins(Loaded(SOURCE, df, "", [path.name]), bassins)
    warnings += _warnings(path, df, seen)
    df["count"] = df["count"].astype("Float64")
    df = df.sort_values(key, ignore_index=True)
    last = df.quarter.max()
    return Loaded(SOURCE, df, vintage=quarter_label(last), files=[path.name], warnings=warnings, missing=missing)


@dataclass
class _Seen:
    """The region read, and what the reading left out: for the rows kept and the warnings."""
    region: str
    departements: set[str]
    empty: list[str] = field(default_factory=list)          # areas without content
    refused: list[tuple[object, str]] = field(default_factory=list)   # (request, message) refused when fetched
    others: set[str] = field(default_factory=set)           # areas of another region
    activities: dict[str, int] = field(default_factory=dict)  # values of an activity other than the cumul
    not_asked: dict[str, None] = field(default_factory=dict)  # areas of a type never asked


def _item_records(path: Path, item: object, where: str, with_caract: bool, seen: _Seen) -> list[tuple]:
    """The rows of one ``{requete, reponse}`` item (none for a refused or empty request)."""
    request = _need(path, item, "requete", where)
    if isinstance(item, dict) and item.get("erreur"):             # refused when fetched
        seen.refused.append((request, f"{_area(request, where)} : {item['erreur']}"))
        return []
    response = _need(path, item, "reponse", where)
    if response is None:                                    # no content for this area
        seen.empty.append(_area(request, where))
        return []
    values = _need(path, response, "listeValeursParPeriode", where)
    if not isinstance(values, list):
        raise SourceError(path, f"listeValeursParPeriode n'est pas une liste ({where})")
    records = []
    for j, v in enumerate(values, start=1):
        records += _value_records(path, v, f"{where}, valeur {j}", with_caract, seen)
    return records


def _value_records(path: Path, v: dict, at: str, with_caract: bool, seen: _Seen) -> list[tuple]:
    """The rows of one value (area × category × quarter): its total, then its characteristics;
    none for an area or an activity left out (counted in ``seen``)."""
    area_type = str(_need(path, v, "codeTypeTerritoire", at)).strip().upper()
    code = str(_need(path, v, "codeTerritoire", at)).strip()
    if area_type in NOT_ASKED:
        seen.not_asked[f"{area_type} {code}"] = None
        return []
    kind = AREA_TYPES.get(area_type, "bassin")
    if (kind == "region" and code.zfill(2) != seen.region) or (kind == "departement" and code not in seen.departements):
        seen.others.add(f"{area_type} {code}")
        return []
    activity = str(v.get("codeTypeActivite") or CUMUL).strip().upper()
    if activity != CUMUL:
        key = f"{activity} {str(v.get('codeActivite') or '').strip()}".strip()
        seen.activities[key] = seen.activities.get(key, 0) + 1
        return []
    if kind == "bassin":
        code = bassin_code(code)
        if not re.fullmatch(r"\d{4}", code):
            raise SourceError(path, f"code de bassin d'emploi invalide {code!r} (type {area_type}, {at})")
    period = _need(path, v, "codePeriode", at)
    quarter = parse_quarter(period, v.get("libPeriode"))
    if quarter is None:
        raise SourceError(path, f"période illisible {period!r} (libellé {v.get('libPeriode')!r}, {at}) : "
                                f"attendu un trimestre, ex. 2025T1 ou « 1er trimestre 2025 »")
    cat = category(_need(path, v, "codeNomenclature", at))
    head = (kind, code, str(v.get("libTerritoire") or ""), cat, quarter, quarter_label(quarter))
    total = _count(path, _need(path, v, "valeurPrincipaleNombre", at), at)
    records = [(*head, TOTAL, TOTAL, "Total", "total", total, total is None)]
    for k, c in enumerate((v.get("listeValeurParCaract") or []) if with_caract else [], start=1):
        ck = f"{at}, caractéristique {k}"
        masked = _masked(path, c.get("masque") if isinstance(c, dict) else None, ck)
        number = None if masked else _count(path, _need(path, c, "nombre", ck), ck)
        records.append((*head, str(_need(path, c, "codeTypeCaract", ck)).strip().upper(),
                        str(_need(path, c, "codeCaract", ck)).strip(), str(_need(path, c, "libCaract", ck)).strip(),
                        None, number, number is None))
    return records


def _nothing_read(path: Path, seen: _Seen) -> SourceError:
    """Why no row was read, in words (another region's file: :class:`NoRegionalRows`)."""
    if seen.others:
        return NoRegionalRows(path, f"aucune valeur de la région {seen.region} ni de ses départements (territoires "
                                    f"du fichier : {', '.join(sorted(seen.others)[:10])})")
    if seen.activities:
        return SourceError(path, f"aucune valeur pour le cumul de toutes les activités (codeTypeActivite "
                                 f"{CUMUL}) : valeurs par activité seulement ({', '.join(sorted(seen.activities)[:5])})")
    return SourceError(path, f"aucune valeur pour la région {seen.region} ni ses bassins"
                             + (f" ({len(seen.refused)} requêtes refusées au téléchargement)" if seen.refused else ""))


def _warnings(path: Path, df: pd.DataFrame, seen: _Seen) -> list[str]:
    warnings = []
    if seen.refused:
        warnings.append(f"{path.name} : {len(seen.refused)} requête(s) refusée(s) par l'API au téléchargement, valeurs "
                        f"manquantes pour ces territoires ({' ; '.join(text[:200] for _, text in seen.refused[:10])})")
    if seen.empty:
        warnings.append(f"{path.name} : pas de données pour {len(seen.empty)} territoires ({', '.join(seen.empty[:10])})")
    if seen.others:
        warnings.append(f"{path.name} : {len(seen.others)} territoires hors de la région {seen.region} ignorés "
                        f"({', '.join(sorted(seen.others)[:10])})")
    if seen.not_asked:
        warnings.append(f"{path.name} : territoires d'un type non utilisé ignorés ({', '.join(list(seen.not_asked)[:10])})")
    if seen.activities:
        warnings.append(f"{path.name} : {sum(seen.activities.values())} valeurs d'une activité autre que le cumul de toutes "
                        f"les activités ignorées ({', '.join(sorted(seen.activities)[:5])})")
    masked = int(df.masked.sum())
    if masked:
        warnings.append(f"{path.name} : {masked} valeurs masquées (secret statistique), laissées manquantes")
    return warnings + _region_gap(path, df)


def _refused_rows(refused: list[tuple[object, str]], records: list[tuple], region: str,
                  departements: set[str]) -> list[tuple]:
    """For each area whose request was refused: a missing total (never 0, never left out of a sum)
    for every category and quarter of the file."""
    periods = sorted({(r[3], r[4], r[5]) for r in records})
    out = []
    for request, _ in refused:
        if not isinstance(request, dict):
            continue
        area_type = str(request.get("codeTypeTerritoire") or "").strip().upper()
        code = str(request.get("codeTerritoire") or "").strip()
        kind = AREA_TYPES.get(area_type, "bassin")
        if (area_type in NOT_ASKED or (kind == "region" and code.zfill(2) != region)
                or (kind == "departement" and code not in departements)):
            continue
        code = bassin_code(code) if kind == "bassin" else code
        if kind == "bassin" and not re.fullmatch(r"\d{4}", code):
            continue
        out += [(kind, code, "", cat, q, label, TOTAL, TOTAL, "Total", "total", None, False)
                for cat, q, label in periods]
    return out


def _groups(path: Path, df: pd.DataFrame) -> list[str | None]:
    """The group (see :data:`GROUPS`) of each row: by characteristic type, then by label."""
    age_types = set()
    for ctype, labels in df.groupby("characteristic_type").characteristic_label:
        if ctype not in KNOWN_TYPES and ctype != TOTAL and all(age_group(x) for x in set(labels)):
            age_types.add(ctype)
    out = []
    for ctype, label, grp in zip(df.characteristic_type, df.characteristic_label, df.grp):
        if isinstance(grp, str):           # the total, set when read
            out.append(grp)
            continue
        kind = KNOWN_TYPES.get(ctype, "age" if ctype in age_types else None)
        if kind == "sex":
            g = sex_group(label)
            if g is None:
                raise SourceError(path, f"libellé de sexe inconnu {label!r} (type {ctype})")
        elif kind == "seniority":
            g = seniority_group(label)
            if g is None:
                raise SourceError(path, f"ancienneté d'inscription non classable {label!r} (type {ctype}) : "
                                        f"moins d'un an ou un an ou plus attendu")
        elif kind == "age":
            g = age_group(label)
            if g == "straddle":
                raise SourceError(path, f"tranche d'âge à cheval sur deux groupes {label!r} (type {ctype}) : "
                                        f"moins de 25 ans, 25-49 ans ou 50 ans ou plus attendu")
        else:
            g = None
        out.append(g)
    return out


def _region_gap(path: Path, df: pd.DataFrame) -> list[str]:
    """The regional total beside the sum of the bassins (latest quarter, all categories)."""
    tot = df[(df.characteristic_type == TOTAL) & (df.quarter == df.quarter.max())]
    out = []
    for cat, part in tot.groupby("category"):
        reg = part[part.area_type == "region"]["count"].sum(min_count=1)
        bas = part[part.area_type == "bassin"]["count"].sum(min_count=1)
        if pd.notna(reg) and pd.notna(bas) and reg and abs(bas - reg) > REGION_GAP_WARNING / 100 * reg:
            out.append(f"{path.name} : catégorie {cat}, somme des bassins ({bas:.0f}) différente de la valeur "
                       f"régionale ({reg:.0f}) de plus de {REGION_GAP_WARNING:g} %")
    return out


def check_bassins(loaded: Loaded, known: set[str]) -> None:
    """Every bassin of the file must be a bassin of the BMO bassin table (``known``: its codes);
    else an error naming the codes and the file."""
    codes = set(loaded.frame.area_code[loaded.frame.area_type == "bassin"])
    unknown = sorted(codes - set(known))
    if unknown:
        raise SourceError(loaded.files[0], f"code(s) de bassin d'emploi inconnu(s) de la table des bassins BMO : "
                                           f"{', '.join(unknown)}")


# ---------------------------------------------------------------------------------------------
# The raw file of a download: the request of each area and its answer (sources.download fetches it:
# OAuth2 client credentials, then one request per area, one raw file per run).

def request_body(area_type: str, code: str) -> dict:
    return {"codeTypeTerritoire": area_type, "codeTerritoire": code, "codeTypeActivite": "CUMUL",
            "codeActivite": "CUMUL", "codeTypePeriode": "TRIMESTRE", "codeTypeNomenclature": "CATCAND",
            "dernierePeriode": False}


def dump(answers: list[dict]) -> bytes:
    """The raw file: one line per response value (readable, diffable, truncation shows a line)."""
    lines = ["["]
    for i, a in enumerate(answers):
        resp = a["reponse"]
        lines.append(' {"requete": ' + json.dumps(a["requete"], ensure_ascii=False) + ',')
        if "erreur" in a:
            lines.append('  "reponse": null, "erreur": ' + json.dumps(a["erreur"], ensure_ascii=False))
        elif resp is None or not isinstance(resp.get("listeValeursParPeriode"), list):
            lines.append('  "reponse": ' + json.dumps(resp, ensure_ascii=False))
        else:
            rest = {k: v for k, v in resp.items() if k != "listeValeursParPeriode"}
            head = json.dumps(rest, ensure_ascii=False)[1:-1]
            values = resp["listeValeursParPeriode"]
            lines.append('  "reponse": {' + (head + ", " if head else "") + '"listeValeursParPeriode": [')
            lines += ["   " + json.dumps(v, ensure_ascii=False) + ("," if k < len(values) - 1 else "")
                      for k, v in enumerate(values)]
            lines.append("  ]}")
        lines.append(" }" + ("," if i < len(answers) - 1 else ""))
    lines.append("]")
    return ("\n".join(lines) + "\n").encode("utf-8")


def write(path: Path, answers: list[dict]) -> None:
    """Write the raw file of ``answers`` (``{"requete", "reponse"}`` or ``{"requete", "reponse":
    None, "erreur"}``, the file's own records, in order) as :func:`dump` lays it out. The exact
    inverse of the file, not of :func:`read` (which keeps the region's cumul rows, classifies the
    characteristics and adds the refused areas' missing totals)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(dump(answers))
