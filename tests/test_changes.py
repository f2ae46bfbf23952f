""""Ce qui a changé depuis l'édition précédente": which figures moved, new vintages, perimeter."""
from __future__ import annotations

from portraits.report.editions import edition_changes

SRC_J = "France Travail, Dares, Demandeurs d'emploi"
SRC_P = "Insee, Populations légales"


def row(indicator, value, unit, source=SRC_J, vintage="décembre 2024", label=None):
    return {"territory_code": "T01", "territory_name": "Nantes", "indicator": indicator, "label": label or indicator,
            "value": value, "unit": unit, "region_value": None, "rank": None, "ranked": None, "source": source,
            "vintage": vintage, "definition": ""}


def test_first_edition_has_nothing_to_compare():
    assert edition_changes([row("jobseekers", 100.0, "count")], None, None)["first"] is True


def test_thresholds_vintages_and_perimeter():
    before = [
        row("jobseekers", 1000.0, "count"),                 # +4.9 %: below the 5 % threshold
        row("jobseekers_per_100", 8.0, "per100"),           # +10 %: moved
        row("unemployment_rate_census", 10.0, "percent"),   # +0.9 point: below the 1-point threshold
        row("employment_rate", 70.0, "percent"),            # −1.5 point: moved
        row("lycees", 0.0, "count"),                        # from 0 to 2: moved (no relative change from 0)
        row("bmo_projects", 50.0, "count"),                 # missing now (secret): not compared
        row("communes", 30.0, "count", SRC_P, "2021"), row("population", 90000.0, "count", SRC_P, "2021"),
    ]
    after = [
        row("jobseekers", 1049.0, "count"), row("jobseekers_per_100", 8.8, "per100"),
        row("unemployment_rate_census", 10.9, "percent"), row("employment_rate", 68.5, "percent"),
        row("lycees", 2.0, "count"), row("bmo_projects", None, "count"),
        row("communes", 31.0, "count", SRC_P, "2022"), row("population", 91000.0, "count", SRC_P, "2022"),
    ]
    c = edition_changes(after, before, None)
    assert not c["first"] and c["any"]
    moved = {m["label"]: m for m in c["moved"]}
    assert set(moved) == {"jobseekers_per_100", "employment_rate", "lycees"}
    assert moved["employment_rate"]["delta_text"] == "−1,5 pt"
    assert moved["jobseekers_per_100"]["delta_text"] == "+10,0\u00a0%"
    assert c["vintages"] == [f"Nouveau millésime : {SRC_P} (2021 → 2022)"]
    assert c["perimeter"].startswith("Le périmètre a changé : 31 communes (précédente édition : 30)")


def test_same_values_say_nothing_changed():
    rows = [row("jobseekers", 1000.0, "count")]
    c = edition_changes(rows, rows, None)
    assert not c["first"] and not c["any"] and c["moved"] == [] and c["vintages"] == []


# ----- Commune maps: classes from the regional quantiles ----------------------------------------

def test_commune_classes_use_regional_quantiles():
    import pandas as pd
    from portraits.report.sections.population import commune_classes
    table = pd.DataFrame({
        "territory_code": ["A", "A", "A", "B", "B", "B"],
        "code": ["00001", "00002", "00003", "00004", "00005", "00006"],
        "name": ["Un", "Deux", "Trois", "Quatre", "Cinq", "Six"],
        "rate": [2.0, 4.0, None, 6.0, 8.0, 10.0],      # a commune without value (secret): no class
    })
    c = commune_classes(table, "A", "rate")
    # Quintiles of the five regional values 2, 4, 6, 8, 10: limits 2, 3.6, 5.2, 6.8, 8.4, 10.
    assert c["legend"] == ["2,0 à 3,6 %", "3,6 à 5,2 %", "5,2 à 6,8 %", "6,8 à 8,4 %", "8,4 à 10,0 %"]
    assert [(r["name"], r["class"], r["text"]) for r in c["rows"]] == [
        ("Un", 0, "2,0\u00a0%"), ("Deux", 1, "4,0\u00a0%"), ("Trois", None, "non disponible")]
    assert commune_classes(table, "B", "rate")["rows"][-1]["class"] == 4
    assert commune_classes(table.assign(rate=None), "A", "rate") is None
