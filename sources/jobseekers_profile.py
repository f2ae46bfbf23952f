"""Jobseekers by category, sex, age band and registration seniority, by bassin d'emploi: the
France Travail API "Marché du travail" (indicator ``stat-demandeurs``).

**Not checked on a real response.** No response of this API is available offline: the request,
the response fields and the characteristic types below come from public client code (FORMATS.md
marks the API [CODE]). What is unknown is handled defensively and named in errors:

- the period code (``codePeriode``: ``2025T1``? ``20251``?): ``AAAAT1``, ``AAAA-T1``, ``AAAAQ1``,
  ``AAAA1`` (5 digits), ``T1 AAAA`` are accepted, else the label (``libPeriode``, e.g.
  ``1er trimestre 2025``); anything else is an error naming both;
- the territory type of bassins (``BE`` in FORMATS.md, ``BASBMO`` in one public client):
  :data:`BASSIN_TYPE` is what ``portraits fetch`` asks for, but the reader does not rely on the
  type string: a territory that is neither ``REG`` nor ``DEP`` is a bassin, recognised by its code,
  which must be a BMO bassin code (``5201``…, see :mod:`sources.bmo_bassins`);
  :func:`check_bassins` refuses codes the bassin table does not know (the warehouse calls it);
- the age characteristic's type code: a characteristic type not listed in :data:`KNOWN_TYPES`
  whose labels are all age bands (``15-24 ans``, ``50 ans ou plus``, ``moins de 25 ans``…) is the
  age; each band must fall in under 25, 25–49 or 50 and over, else it is an error naming it;
- the seniority classes (``CHOMANC``): classified by their label into under one year and one year
  or more (long-term); a label that cannot be classified is an error naming it.

Raw file (written by :func:`fetch`, one per run, atomically): ``francetravail-stat-demandeurs.json``,
a JSON list of ``{"requete": <request body>, "reponse": <API response or null when the API had no
content>}``. Each response is ``{"codeFamille", "listeValeursParPeriode": [{codeTypeTerritoire,
codeTerritoire, libTerritoire, codeNomenclature (category: A, ABC…), codePeriode, libPeriode,
valeurPrincipaleNombre (total), listeValeurParCaract: [{codeTypeCaract, codeCaract, libCaract,
nombre, pourcentage, masque}]}]}``.

Rows read (one per area × category × quarter × characteristic, the total as characteristic type
``TOTAL``): a cell with ``masque: true`` or no ``nombre`` is missing (secret), never 0.
Characteristic types other than sex, age and seniority are kept, not used. Only the regional
(``REG``) rows of the region are kept. The sum of the bassins is compared with the regional row
(warning beyond :data:`REGION_GAP_WARNING` %).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from portraits import fmt

from .base import Loaded, Source, SourceError, normalise_name, read_text
from .bmo_bassins import bassin_code

API_ROOT = "https://api.francetravail.io/partenaire/stats-offres-demandes-emploi/v1"
API_URL = f"{API_ROOT}/indicateur/stat-demandeurs"
TOKEN_URL = "https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=/partenaire"
SCOPE = "api_stats-offres-demandes-emploiv1 offresetdemandesemploi"
CLIENT_ID_ENV, CLIENT_SECRET_ENV = "FT_API_CLIENT_ID", "FT_API_CLIENT_SECRET"
BASSIN_TYPE = "BE"          # territory type asked for bassins (unconfirmed; "BASBMO" in another client)

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
           "Format de réponse établi d'après du code public, non vérifié sur une réponse réelle.",
           "Cellules masquées (« masque ») : valeur secrète, jamais comptée comme zéro."),
)

AREA_TYPES = {"REG": "region", "DEP": "departement"}      # any other type: a bassin, by its code
KNOWN_TYPES = {"GENRE": "sex", "CHOMANC": "seniority", "NIVFORM": None, "NIVEXP": None, "NIVQUAL": None}
TOTAL = "TOTAL"
GROUPS = ("total", "women", "men", "under25", "age25_49", "age50plus", "short_term", "long_term")
OUTPUT = ["area_type", "area_code", "area_name", "category", "quarter", "period_label", "characteristic_type",
          "characteristic_code", "characteristic_label", "grp", "count", "masked"]
REGION_GAP_WARNING = 5.0


# ---------------------------------------------------------------------------------------------
# Classification of periods, age bands and seniority classes (by value, never by position).

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
    return fmt.quarter(f"{q.year}-T{(q.month - 1) // 3 + 1}")


_NUM = r"(\d+|un)"
_UNIT = r"(ans?|mois)"


def _n(text: str) -> int:
    return 1 if text == "un" else int(text)


def _months(n: str, unit: str | None) -> int:
    return _n(n) * (12 if unit and unit.startswith("an") else 1)


def interval(label: str) -> tuple[float, float] | None:
    """(low, high) bounds in the label's units written as ``N à M ans``, ``moins de N mois``,
    ``N ans ou plus``…; units: years → months ×12, months → months. None when not an interval."""
    text = normalise_name(label).replace("d'", "de ").replace("’", "'")
    text = re.sub(r"^(de |inscrits? depuis |depuis )", "", text).strip()
    m = re.fullmatch(rf"moins de {_NUM} ?{_UNIT}", text)
    if m:
        return 0, _months(m[1], m[2])
    m = re.fullmatch(rf"{_NUM} ?{_UNIT}? ?(?:-|a|à) ?(?:moins de )?{_NUM} ?{_UNIT}", text)
    if m:
        return _months(m[1], m[2] or m[4]), _months(m[3], m[4])
    m = (re.fullmatch(rf"{_NUM} ?{_UNIT} (?:ou|et) (?:plus|\+)", text) or re.fullmatch(rf"{_NUM} ?{_UNIT} ?\+", text)
         or re.fullmatch(rf"(?:plus de|au moins) {_NUM} ?{_UNIT}", text))
    if m:
        return _months(m[1], m[2]), float("inf")
    return None


def age_group(label: str) -> str | None:
    """``under25``, ``age25_49`` or ``age50plus`` for an age band; None when the label is not an
    age band, or straddles two groups (the caller names it)."""
    if not re.search(r"\bans?\b", normalise_name(label)):
        return None
    bounds = interval(label)
    if bounds is None:
        return None
    low, high = bounds[0] / 12, bounds[1] / 12          # interval() counts years as 12 months
    if any(0 < b < 15 for b in (low, high)):
        return None                                     # "1 à 3 ans": a duration, not an age band
    if "moins de" in normalise_name(label):
        high -= 1                                       # "moins de 25 ans": up to 24
    if high <= 24:
        return "under25"
    if low >= 25 and high <= 49:
        return "age25_49"
    if low >= 50:
        return "age50plus"
    return "straddle"


def seniority_group(label: str) -> str | None:
    """``short_term`` (registered less than a year) or ``long_term`` (one year or more); None
    when the label cannot be classified."""
    bounds = interval(label)
    if bounds is None:
        return None
    low, high = bounds
    if high <= 12:
        return "short_term"
    if low >= 12:
        return "long_term"
    return None


def sex_group(label: str) -> str | None:
    text = normalise_name(label)
    return "women" if re.fullmatch(r"femmes?", text) else "men" if re.fullmatch(r"hommes?", text) else None


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
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise SourceError(path, f"effectif invalide {value!r} ({where})")
    return float(value)


def _load_json(path: Path) -> list:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise SourceError(path, f"JSON mal formé ({e.msg} ; fichier tronqué ?)", line=e.lineno) from None
    if not isinstance(data, list):
        raise SourceError(path, "une liste de réponses {requete, reponse} est attendue")
    return data


def read(paths: list[Path], communes: object = None, region: str = "52", bassins: set[str] | None = None) -> Loaded:
    """Read the newest file. ``communes`` is accepted for the common interface and not used (the
    data are by bassin). ``region``: regional rows of another region are dropped. ``bassins``: the
    accepted bassin codes (see :func:`check_bassins`), when known."""
    path = Path(paths[-1])
    region = str(region).zfill(2)
    data = _load_json(path)
    records, warnings, empty = [], [], []
    for i, item in enumerate(data, start=1):
        where = f"réponse {i}"
        response = _need(path, item, "reponse", where)
        request = _need(path, item, "requete", where)
        if response is None:                                    # no content for this area
            empty.append(f"{request.get('codeTypeTerritoire')} {request.get('codeTerritoire')}"
                         if isinstance(request, dict) else where)
            continue
        values = _need(path, response, "listeValeursParPeriode", where)
        if not isinstance(values, list):
            raise SourceError(path, f"listeValeursParPeriode n'est pas une liste ({where})")
        for j, v in enumerate(values, start=1):
            at = f"{where}, valeur {j}"
            area_type = str(_need(path, v, "codeTypeTerritoire", at)).strip().upper()
            code = str(_need(path, v, "codeTerritoire", at)).strip()
            kind = AREA_TYPES.get(area_type, "bassin")
            if kind == "bassin":
                code = bassin_code(code)
                if not re.fullmatch(r"\d{4}", code):
                    raise SourceError(path, f"code de bassin d'emploi invalide {code!r} (type {area_type}, {at})")
            elif kind == "region" and code.zfill(2) != region:
                continue
            period = _need(path, v, "codePeriode", at)
            quarter = parse_quarter(period, v.get("libPeriode"))
            if quarter is None:
                raise SourceError(path, f"période illisible {period!r} (libellé {v.get('libPeriode')!r}, {at}) : "
                                        f"attendu un trimestre, ex. 2025T1 ou « 1er trimestre 2025 »")
            cat = category(_need(path, v, "codeNomenclature", at))
            head = (kind, code, str(v.get("libTerritoire") or ""), cat, quarter, quarter_label(quarter))
            total = _count(path, _need(path, v, "valeurPrincipaleNombre", at), at)
            records.append((*head, TOTAL, TOTAL, "Total", "total", total, total is None))
            for k, c in enumerate(_need(path, v, "listeValeurParCaract", at) or [], start=1):
                ck = f"{at}, caractéristique {k}"
                masked = bool(c.get("masque")) if isinstance(c, dict) else False
                number = None if masked else _count(path, _need(path, c, "nombre", ck), ck)
                records.append((*head, str(_need(path, c, "codeTypeCaract", ck)).strip().upper(),
                                str(_need(path, c, "codeCaract", ck)).strip(), str(_need(path, c, "libCaract", ck)).strip(),
                                None, number, number is None))
    df = pd.DataFrame(records, columns=OUTPUT)
    if df.empty:
        raise SourceError(path, f"aucune valeur pour la région {region} ni ses bassins")
    df["grp"] = _groups(path, df)
    key = ["area_type", "area_code", "category", "quarter", "characteristic_type", "characteristic_code"]
    dup = df.duplicated(key, keep=False)
    if dup.any():
        first = df[dup].iloc[0]
        raise SourceError(path, f"valeur en double pour {first.area_type} {first.area_code}, catégorie {first.category}, "
                                f"{first.period_label}, {first.characteristic_type} {first.characteristic_code}")
    if bassins is not None:
        check_bassins(Loaded(SOURCE, df, "", [path.name]), bassins)
    if empty:
        warnings.append(f"{path.name} : pas de données pour {len(empty)} territoires ({', '.join(empty[:10])})")
    masked = int(df.masked.sum())
    if masked:
        warnings.append(f"{path.name} : {masked} valeurs masquées (secret statistique), laissées manquantes")
    warnings += _region_gap(path, df)
    df["count"] = df["count"].astype("Float64")
    df = df.sort_values(key, ignore_index=True)
    last = df.quarter.max()
    return Loaded(SOURCE, df, vintage=quarter_label(last), files=[path.name], warnings=warnings)


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
# Download: OAuth2 client credentials, then one request per area, one raw file per run.

def request_body(area_type: str, code: str) -> dict:
    return {"codeTypeTerritoire": area_type, "codeTerritoire": code, "codeTypeActivite": "CUMUL",
            "codeActivite": "CUMUL", "codeTypePeriode": "TRIMESTRE", "codeTypeNomenclature": "CATCAND",
            "dernierePeriode": False}


def areas(folder: Path, region: str) -> list[tuple[str, str]]:
    """What is asked for: the region, its départements and its BMO bassins (from the bassin table
    in ``folder``: the bassins must be the ones it knows)."""
    from portraits.geography import region_info
    from . import bmo_bassins
    from .base import files_matching
    paths = files_matching(bmo_bassins.SOURCE, folder)
    if not paths:
        raise FileNotFoundError(f"la table des bassins BMO ({bmo_bassins.SOURCE.download_name}) doit être déposée dans "
                                f"{folder} avant le téléchargement : elle donne les bassins à demander")
    codes = sorted(set(bmo_bassins.read(paths, None, region).frame.bassin_code))
    _, deps = region_info(region)
    return [("REG", region), *(("DEP", d) for d in sorted(deps)), *((BASSIN_TYPE, c) for c in codes)]


def fetch(dest: Path, region: str = "52", env: dict | None = None) -> dict:
    """Ask the API for every area of :func:`areas` and save the answers as one file ``dest``
    (atomically: a failure leaves the previous file). Returns the ledger entry. The credentials
    come from ``FT_API_CLIENT_ID`` / ``FT_API_CLIENT_SECRET`` and are never logged."""
    import hashlib

    from . import download
    env = os.environ if env is None else env
    client_id, secret = env.get(CLIENT_ID_ENV, ""), env.get(CLIENT_SECRET_ENV, "")
    if not client_id or not secret:
        raise download.DownloadError(f"identifiants de l'API France Travail absents : définir les variables "
                                     f"d'environnement {CLIENT_ID_ENV} et {CLIENT_SECRET_ENV} (application déclarée "
                                     f"sur francetravail.io, API « Marché du travail ») ; {dest.name} n'a pas été "
                                     f"modifié")
    dest = Path(dest)
    try:
        wanted = areas(dest.parent, region)
    except (FileNotFoundError, SourceError) as exc:
        raise download.DownloadError(f"{exc} ; {dest.name} n'a pas été modifié") from None
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": SCOPE}
    token = download.post_json(TOKEN_URL, form=form, secrets=(secret, client_id))
    if not isinstance(token, dict) or not token.get("access_token"):
        raise download.DownloadError(f"jeton d'accès absent de la réponse de {TOKEN_URL} ; {dest.name} n'a pas été "
                                     f"modifié")
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    answers = []
    for area_type, code in wanted:
        body = request_body(area_type, code)
        answers.append({"requete": body, "reponse": download.post_json(API_URL, json_body=body, headers=headers,
                                                                       secrets=(secret, token["access_token"]))})
    data = dump(answers)
    part = dest.parent / download.PARTIAL_DIR / (dest.name + ".part")
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(data)
    os.replace(part, dest)
    now = download._now()
    return {"url": API_URL, "file": dest.name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "requests": len(wanted), "status": "downloaded", "checked": now, "downloaded": now}


def dump(answers: list[dict]) -> bytes:
    """The raw file: one line per response value (readable, diffable, truncation shows a line)."""
    lines = ["["]
    for i, a in enumerate(answers):
        resp = a["reponse"]
        lines.append(' {"requete": ' + json.dumps(a["requete"], ensure_ascii=False) + ',')
        if resp is None or not isinstance(resp.get("listeValeursParPeriode"), list):
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


# ---------------------------------------------------------------------------------------------
# Demo

AGE_BANDS = (("15-24 ans", 0.15), ("25-34 ans", 0.25), ("35-49 ans", 0.33), ("50 ans ou plus", 0.27))
SENIORITY = (("Moins de 3 mois", 0.22), ("De 3 à moins de 6 mois", 0.15), ("De 6 à moins de 12 mois", 0.18),
             ("De 1 an à moins de 2 ans", 0.20), ("2 ans ou plus", 0.25))
AGE_TYPE_DEMO = "TRAGE"      # the real code of the age characteristic is unknown (the reader does not need it)


def _split(total: int, shares: list[float], rng: np.random.Generator) -> list[int]:
    w = np.array(shares) * rng.normal(1, 0.06, len(shares))
    parts = np.floor(total * w / w.sum()).astype(int)
    parts[-1] += total - parts.sum()
    return [int(x) for x in parts]


def _value(area_type: str, code: str, name: str, cat: str, q: dt.date, total: int, parts: dict) -> dict:
    caract = []
    for ctype, labels in (("GENRE", ("Hommes", "Femmes")), (AGE_TYPE_DEMO, [a for a, _ in AGE_BANDS]),
                          ("CHOMANC", [s for s, _ in SENIORITY])):
        for k, label in enumerate(labels, start=1):
            n = parts[ctype][k - 1]
            masked = n is None
            caract.append({"codeTypeCaract": ctype, "codeCaract": f"{ctype[:2]}{k}", "libCaract": label,
                           "nombre": None if masked else n,
                           "pourcentage": None if masked else round(100 * n / total, 1) if total else 0.0,
                           "masque": masked})
    return {"codeTypeTerritoire": area_type, "codeTerritoire": code, "libTerritoire": name,
            "codeTypeActivite": "CUMUL", "codeActivite": "CUMUL", "libActivite": "Tous métiers",
            "codeNomenclature": cat, "libNomenclature": "Catégorie A" if cat == "A" else "Catégories A, B, C",
            "codeTypePeriode": "TRIMESTRE", "codePeriode": f"{q.year}T{(q.month - 1) // 3 + 1}",
            "libPeriode": quarter_label(q), "datMaj": f"{q.year + (q.month + 3) // 13}-{(q.month + 3 - 1) % 12 + 1:02d}-28",
            "valeurPrincipaleNombre": total, "valeurSecondairePourcentage": None, "listeValeurParCaract": caract}


def write_demo(path: Path, bassins: pd.DataFrame, region: str, region_name: str, dep_names: dict[str, str],
               rng: np.random.Generator, first: dt.date = dt.date(2023, 1, 1), quarters: int = 8) -> None:
    """Synthetic API answers for the region, its départements and the demo bassins (``bassins``:
    bassin_code, bassin_name, dep, population, see :func:`sources.bmo_bassins.demo_bassin_table`),
    ``quarters`` quarters from ``first``, categories A and A, B, C; about 6.5 % of the population in
    A, B, C (near the commune demo file), 55 % of them in A. A few small cells are masked. The
    départements and the region are the sums of their bassins (masked cells included)."""
    qs = [dt.date(first.year + (first.month - 1 + 3 * i) // 12, (first.month - 1 + 3 * i) % 12 + 1, 1)
          for i in range(quarters)]
    cells: dict[tuple, dict] = {}          # (area_type, code, cat, quarter) → total and parts
    sums: dict[tuple, dict] = {}
    for b in bassins.sort_values("bassin_code").itertuples():
        level = b.population * 0.064 * rng.lognormal(0, 0.12)
        trend = rng.normal(0.0, 0.005)
        women, young, long_term, share_a = (rng.normal(0.5, 0.03), rng.normal(1, 0.15), rng.normal(1, 0.12),
                                            rng.normal(0.55, 0.04))
        for i, q in enumerate(qs):
            abc = int(round(level * (1 + trend) ** i * rng.normal(1, 0.01)))
            for cat, total in (("ABC", abc), ("A", int(round(abc * share_a)))):
                ages = [s * (young if k == 0 else 1) for k, (_, s) in enumerate(AGE_BANDS)]
                sen = [s * (long_term if k >= 3 else 1) for k, (_, s) in enumerate(SENIORITY)]
                parts = {"GENRE": _split(total, [1 - women, women], rng), AGE_TYPE_DEMO: _split(total, ages, rng),
                         "CHOMANC": _split(total, sen, rng)}
                for key in (("DEP", b.dep), ("REG", region)):
                    acc = sums.setdefault((*key, cat, q), {"total": 0, **{t: [0] * len(v) for t, v in parts.items()}})
                    acc["total"] += total
                    for t, v in parts.items():
                        acc[t] = [x + y for x, y in zip(acc[t], v)]
                # A few small cells are secret (masked) in the bassin's answer.
                for t in parts:
                    parts[t] = [None if n < 400 and rng.random() < 0.04 else n for n in parts[t]]
                cells[(BASSIN_TYPE, b.bassin_code, b.bassin_name, cat, q)] = {"total": total, **parts}
    names = {"REG": {region: region_name}, "DEP": dep_names}
    for (area_type, code, cat, q), v in sums.items():
        cells[(area_type, code, names[area_type].get(code, code), cat, q)] = v
    answers = []
    order = {"REG": 0, "DEP": 1, BASSIN_TYPE: 2}
    for area_type, code in sorted({(k[0], k[1]) for k in cells}, key=lambda a: (order[a[0]], a[1])):
        values = [_value(area_type, code, name, cat, q, v["total"], v) for (t, c, name, cat, q), v in cells.items()
                  if (t, c) == (area_type, code)]
        values.sort(key=lambda x: (x["codePeriode"], x["codeNomenclature"]))
        answers.append({"requete": request_body(area_type, code),
                        "reponse": {"codeFamille": "DEMANDEURS", "listeValeursParPeriode": values}})
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(dump(answers))
