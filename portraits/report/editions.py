""""Ce qui a changé depuis la dernière édition": this edition's open-data rows of a territory
against those of the edition it is compared with (see ``pipeline.comparison_baseline``).
"""
from __future__ import annotations

from .. import fmt
from ..indicators import catalogue

# A figure "moved" when it changed by at least this much: points for rates and shares, relative
# change for the others.
MOVE_POINTS = {"percent": 1.0, "rate": 1.0, "percent_change": 1.0}
MOVE_RELATIVE = 0.05


def _moved(unit: str, before: float, after: float) -> bool:
    if unit in MOVE_POINTS:
        return abs(after - before) >= MOVE_POINTS[unit]
    if before == 0:
        return after != 0
    return abs(after - before) / abs(before) >= MOVE_RELATIVE


def edition_changes(current: list[dict], previous: list[dict] | None, edition: str | None) -> dict:
    """What changed for one territory: indicators that moved beyond the thresholds above, datasets
    with a new vintage (or new, or withdrawn), and a change of perimeter (communes, population).
    ``current`` and ``previous`` are :func:`open_data_rows`; ``previous`` is None at a first edition."""
    rule = (f"{fmt.number(max(MOVE_POINTS.values()), 0)} point pour les taux et les parts, "
            f"{fmt.number(100 * MOVE_RELATIVE, 0)} % pour les autres valeurs")
    if previous is None:
        return {"first": True, "edition": edition, "moved": [], "vintages": [], "perimeter": None,
                "any": False, "rule": rule}
    before = {r["indicator"]: r for r in previous}
    cat = catalogue()
    moved = []
    for r in current:
        b = before.get(r["indicator"])
        if (b is None or r["value"] is None or b["value"] is None or r["indicator"] in ("communes", "population")
                or r["indicator"] not in cat):
            continue
        if _moved(r["unit"], float(b["value"]), float(r["value"])):
            unit = r["unit"]
            delta = (f"{'+' if r['value'] > b['value'] else ''}{fmt.number(r['value'] - b['value'], 1)} pt" if unit in MOVE_POINTS
                     else fmt.signed_percent(100 * (r["value"] - b["value"]) / b["value"], 1) if b["value"] else "")
            moved.append({"label": r["label"], "before_text": fmt.value(b["value"], unit),
                          "after_text": fmt.value(r["value"], unit), "delta_text": delta.replace("-", "−"),
                          "size": abs(r["value"] - b["value"]) / (abs(b["value"]) or 1)})
    moved.sort(key=lambda m: -m["size"])
    vintages = []
    now = {r["source"]: r["vintage"] for r in current if r["source"]}
    then = {r["source"]: r["vintage"] for r in previous if r.get("source")}
    for src in sorted(set(now) | set(then)):
        if src not in then:
            vintages.append(f"Nouvelle donnée : {src} ({now[src]})")
        elif src not in now:
            vintages.append(f"Donnée absente de cette édition : {src} (précédemment {then[src]})")
        elif now[src] != then[src]:
            vintages.append(f"Nouveau millésime : {src} ({then[src]} → {now[src]})")
    perimeter = None
    c_now = {r["indicator"]: r["value"] for r in current}
    c_then = {r["indicator"]: r["value"] for r in previous}
    if c_now.get("communes") != c_then.get("communes") and c_then.get("communes") is not None:
        perimeter = (f"Le périmètre a changé : {fmt.number(c_now.get('communes'))} communes "
                     f"(précédente édition : {fmt.number(c_then['communes'])}), "
                     f"{fmt.number(c_now.get('population'))} habitants (précédemment {fmt.number(c_then.get('population'))}).")
    for m in moved:
        del m["size"]
    return {"first": False, "edition": edition, "moved": moved[:12], "more": max(0, len(moved) - 12),
            "vintages": vintages, "perimeter": perimeter, "any": bool(moved or vintages or perimeter), "rule": rule}
