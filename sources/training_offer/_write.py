"""Writing a LHÉO 2.3 document from a frame of actions: the exact inverse of the file."""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

from ._elements import _PLACE
from ._xml import LHEO_NAMESPACE


# ---------------------------------------------------------------------------------------------
# Writing: a LHÉO 2.3 document from a frame of actions (the demo draws them in
# portraits/demo/training_offer.py). The exact inverse of the file, not of read (which keeps the
# fields the portraits use, derives the level and the apprenticeship): tests/test_write_training_offer.py.

_F, _A, _O = "formation/", "formation/action/", "formation/organisme-formation-responsable/"
_ADDRESS = ("ligne", "codepostal", "ville")
FORMACODE_REF = "V13"          # the version of the thesaurus the codes refer to (attribute ``ref``)
# The columns of the frame :func:`write` takes, one row per action (the formation's columns repeated
# on each of its actions, the first row giving them): element paths as :func:`header` names them,
# ``@`` for an attribute. ``code-FORMACODE`` holds a list of codes; ``session`` a list of sessions,
# each a dict (numero, debut, fin, and the ligne, codepostal, ville of its adresse-inscription).
WRITE_COLUMNS = (
    f"{_F}@numero", f"{_F}@datemaj", f"{_F}domaine-formation/code-FORMACODE", f"{_F}domaine-formation/code-NSF",
    *(_F + e for e in ("intitule-formation", "objectif-formation", "resultats-attendus", "contenu-formation",
                       "certifiante")),
    f"{_F}contact-formation/coordonnees/courriel", f"{_F}parcours-de-formation", f"{_F}code-niveau-entree",
    f"{_F}certification/code-RNCP", f"{_F}certification/code-CERTIFINFO", f"{_F}code-niveau-sortie",
    f"{_A}@numero", f"{_A}@datemaj",
    *(_A + e for e in ("rythme-formation", "code-public-vise", "niveau-entree-obligatoire", "modalites-alternance",
                       "modalites-enseignement", "conditions-specifiques", "prise-en-charge-frais-possible")),
    *(f"{_PLACE}/{e}" for e in _ADDRESS), f"{_PLACE}/geolocalisation/latitude", f"{_PLACE}/geolocalisation/longitude",
    f"{_A}modalites-entrees-sorties", f"{_A}session", f"{_A}organisme-formateur/SIRET-formateur/SIRET",
    f"{_A}organisme-formateur/raison-sociale-formateur",
    f"{_O}@numero", f"{_O}numero-activite", f"{_O}SIRET-organisme-formation/SIRET", f"{_O}nom-organisme",
    f"{_O}raison-sociale", *(f"{_O}coordonnees-organisme/coordonnees/adresse/{e}" for e in _ADDRESS),
    f"{_O}contact-organisme/coordonnees/courriel",
)


def _has(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and value != value)


def _el(name: str, value: object, attrs: str = "") -> str:
    """``<name attrs>value</name>`` (the value escaped), or nothing for a missing value."""
    return f"<{name}{attrs}>{escape(str(value))}</{name}>" if _has(value) else ""


def _lines(*lines: str) -> list[str]:
    return [line for line in lines if line]


def write(path: Path, frame: pd.DataFrame, stamp: str | None = None) -> None:
    """Write ``frame`` (one row per action, the columns of :data:`WRITE_COLUMNS`, in document
    order; formations grouped by ``formation/@numero``) as a LHÉO 2.3 document: namespace
    :data:`LHEO_NAMESPACE`, ``horodatage-export`` ``stamp``, UTF-8, one element a line (addresses
    and certifications on theirs); an element whose value is missing is left out."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<lheo xmlns="{LHEO_NAMESPACE}"' + (f' horodatage-export="{stamp}"' if stamp else "") + ">", "<offres>"]
    for _, actions in frame.groupby(f"{_F}@numero", sort=False):
        out += _formation_lines(actions.to_dict("records"))
    out += ["</offres>", "</lheo>", ""]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes("\n".join(out).encode("utf-8"))


def _formation_lines(actions: list[dict]) -> list[str]:
    f = actions[0]
    out = [f'<formation numero="{f[_F + "@numero"]}" datemaj="{f[_F + "@datemaj"]}">', "<domaine-formation>",
           *(_el("code-FORMACODE", c, f' ref="{FORMACODE_REF}"') for c in f[_F + "domaine-formation/code-FORMACODE"]),
           *_lines(_el("code-NSF", f[_F + "domaine-formation/code-NSF"])), "</domaine-formation>"]
    out += _lines(*(_el(e, f[_F + e]) for e in ("intitule-formation", "objectif-formation", "resultats-attendus",
                                                 "contenu-formation", "certifiante")))
    if _has(f[_F + "contact-formation/coordonnees/courriel"]):
        out.append("<contact-formation><coordonnees>" + _el("courriel", f[_F + "contact-formation/coordonnees/courriel"])
                   + "</coordonnees></contact-formation>")
    out += _lines(_el("parcours-de-formation", f[_F + "parcours-de-formation"]),
                  _el("code-niveau-entree", f[_F + "code-niveau-entree"]))
    certification = _el("code-RNCP", f[_F + "certification/code-RNCP"]) + \
        _el("code-CERTIFINFO", f[_F + "certification/code-CERTIFINFO"])
    out += _lines(f"<certification>{certification}</certification>" if certification else "",
                  _el("code-niveau-sortie", f[_F + "code-niveau-sortie"]))
    for a in actions:
        out += _action_lines(a)
    address = "".join(_el(e, f[f"{_O}coordonnees-organisme/coordonnees/adresse/{e}"]) for e in _ADDRESS)
    out += _lines(f'<organisme-formation-responsable numero="{f[_O + "@numero"]}">',
                  _el("numero-activite", f[_O + "numero-activite"]),
                  "<SIRET-organisme-formation>" + _el("SIRET", f[_O + "SIRET-organisme-formation/SIRET"])
                  + "</SIRET-organisme-formation>",
                  _el("nom-organisme", f[_O + "nom-organisme"]), _el("raison-sociale", f[_O + "raison-sociale"]),
                  f"<coordonnees-organisme><coordonnees><adresse>{address}</adresse></coordonnees></coordonnees-organisme>",
                  "<contact-organisme><coordonnees>" + _el("courriel", f[_O + "contact-organisme/coordonnees/courriel"])
                  + "</coordonnees></contact-organisme>",
                  "</organisme-formation-responsable>", "</formation>")
    return out


def _action_lines(a: dict) -> list[str]:
    out = _lines(f'<action numero="{a[_A + "@numero"]}" datemaj="{a[_A + "@datemaj"]}">',
                 _el("rythme-formation", a[_A + "rythme-formation"]),
                 _el("code-public-vise", a[_A + "code-public-vise"], f' ref="{FORMACODE_REF}"'),
                 *(_el(e, a[_A + e]) for e in ("niveau-entree-obligatoire", "modalites-alternance",
                                               "modalites-enseignement", "conditions-specifiques",
                                               "prise-en-charge-frais-possible")),
                 "<lieu-de-formation><coordonnees><adresse>", *(_el(e, a[f"{_PLACE}/{e}"]) for e in _ADDRESS))
    lat, lon = a[f"{_PLACE}/geolocalisation/latitude"], a[f"{_PLACE}/geolocalisation/longitude"]
    if _has(lat) and _has(lon):
        out.append(f"<geolocalisation>{_el('latitude', lat)}{_el('longitude', lon)}</geolocalisation>")
    out += _lines("</adresse></coordonnees></lieu-de-formation>",
                  _el("modalites-entrees-sorties", a[_A + "modalites-entrees-sorties"]))
    for s in a[_A + "session"]:
        out.append(f'<session numero="{s["numero"]}"><periode>{_el("debut", s["debut"])}{_el("fin", s["fin"])}</periode>'
                   "<adresse-inscription><adresse>" + "".join(_el(e, s[e]) for e in _ADDRESS)
                   + "</adresse></adresse-inscription></session>")
    out += ["<organisme-formateur><SIRET-formateur>" + _el("SIRET", a[_A + "organisme-formateur/SIRET-formateur/SIRET"])
            + "</SIRET-formateur>" + _el("raison-sociale-formateur", a[_A + "organisme-formateur/raison-sociale-formateur"])
            + "</organisme-formateur>", "</action>"]
    return out
