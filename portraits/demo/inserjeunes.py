"""Demo InserJeunes by establishment: outcomes drawn for the vocational lycées of the demo
directory, in the DEPP lycée layout written by :func:`sources.inserjeunes.write`."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sources.common import uai_key
from sources.inserjeunes import PRO_HEADER, SOURCE, write


def demo_rows(lycees: pd.DataFrame, rng: np.random.Generator) -> list[list[str]]:
    """Synthetic outcomes for the demo's vocational lycées (``lycees``: uai, name), with the three
    populations, ``nd`` for small groups, and one UAI unknown to the directory."""
    def fmt(x):
        return "nd" if x is None else str(int(round(x)))

    rows = []
    extra = pd.DataFrame([{"uai": "0859999" + uai_key("0859999"), "name": "Lycée professionnel fermé"}])
    for r in pd.concat([lycees, extra], ignore_index=True).itertuples():
        base = float(np.clip(rng.normal(55, 9), 25, 85))
        expected = float(np.clip(base + rng.normal(0, 4), 20, 90))
        further = float(np.clip(rng.normal(45, 10), 10, 80))
        for pop, shift, hidden in (("ensemble", 0, rng.random() < 0.06),
                                   ("dont apprentis", 12, rng.random() < 0.6),
                                   ("dont élèves en voie pro sco", -2, rng.random() < 0.1)):
            if hidden:
                rows.append([r.uai, r.name, "PAYS DE LA LOIRE", pop] + ["nd"] * 7)
                continue
            rate = float(np.clip(base + shift, 0, 100))
            emp_share = rate * (100 - further) / 100
            rows.append([r.uai, r.name, "PAYS DE LA LOIRE", pop, fmt(further), fmt(rate), fmt(expected),
                         fmt(rate - expected), fmt(further), fmt(emp_share), fmt(max(0.0, 100 - further - emp_share))])
    return rows


def write_demo(path: Path, lycees: pd.DataFrame, rng: np.random.Generator) -> None:
    """The demo lycée file in the DEPP layout (:data:`sources.inserjeunes.PRO_HEADER`, written by
    :func:`sources.inserjeunes.write`: UTF-8 without BOM, ``;``, CRLF)."""
    write(path, pd.DataFrame(demo_rows(lycees, rng), columns=PRO_HEADER))
