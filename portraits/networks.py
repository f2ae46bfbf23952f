"""The SPRO networks the portraits map (the offices of the "accès aux services" section): their
labels, their long names, the indicator of each (its share of the population far from an office)
and their colours on maps and in tables. Which offices of the official directories belong to
which network is the sources' business (``sources.service_public.NETWORK_PIVOTS``, and the CIO
from the Éducation nationale's annuaire); tests/test_indicators.py keeps both lists in step."""
from __future__ import annotations

# Network code → its label in the portraits, its long name, the catalogue indicator of its reach.
NETWORKS = {
    "cio": {"label": "CIO", "long": "Centre d'information et d'orientation (Éducation nationale)",
            "indicator": "access_far_share_cio"},
    "france_travail": {"label": "France Travail", "long": "Agence France Travail",
                       "indicator": "access_far_share_france_travail"},
    "mission_locale": {"label": "Mission locale", "long": "Mission locale (jeunes de 16 à 25 ans)",
                       "indicator": "access_far_share_mission_locale"},
    "cap_emploi": {"label": "Cap emploi", "long": "Cap emploi (personnes en situation de handicap)",
                   "indicator": "access_far_share_cap_emploi"},
    "information_jeunesse": {"label": "Information Jeunesse", "long": "Structure Information Jeunesse (CRIJ, BIJ, PIJ)",
                             "indicator": "access_far_share_information_jeunesse"},
    "suio": {"label": "SUIO", "long": "Service universitaire d'information et d'orientation",
             "indicator": "access_far_share_suio"},
    "apec": {"label": "Apec", "long": "Association pour l'emploi des cadres",
             "indicator": "access_far_share_apec"},
}

# Colours of the networks on maps and in tables (colour-blind-safe "Okabe-Ito" palette).
NETWORK_COLOURS = {"cio": "#0072B2", "france_travail": "#D55E00", "mission_locale": "#009E73",
                   "cap_emploi": "#CC79A7", "information_jeunesse": "#E69F00", "suio": "#56B4E9", "apec": "#000000"}
