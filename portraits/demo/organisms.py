"""Demo list of training organisms (DGEFP): the organisms of the training-offer demo (same SIRET)
and a few of other regions, written by :func:`sources.organisms.write`."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from sources.organisms import HEADER, SOURCE, write

# Organisms of other regions in the demo file (the official file is national).
_OTHER_REGIONS = [("53", "35000", "Rennes"), ("24", "37000", "Tours"), ("75", "86000", "Poitiers"),
                  ("28", "14000", "Caen"), ("11", "75011", "Paris"), ("52", "44000", "Nantes")]


def _flag(value) -> str:
    return "" if value is None else ("true" if value else "false")


def demo_rows(communes, orgs: pd.DataFrame, demo_domains: list[tuple], rng: np.random.Generator) -> list[list[str]]:
    """The rows of the demo list: ``orgs`` (the organisms of the training-offer demo in
    ``communes``) with the NSF specialities of ``demo_domains`` (the training-offer demo's
    domains), and 10 organisms of other regions."""
    nsf = {d[0]: (d[3], d[4]) for d in demo_domains}
    all_nsf = [(d[3], d[4]) for d in demo_domains]
    region_code = str(communes.region.iloc[0])
    rows = []

    def row(nda, name, siren, siret, address, postcode, town, region, flags, specialities, trainees, trainers):
        declared = dt.date(2025, 1, 1) + dt.timedelta(days=int(rng.integers(0, 240)))
        specs = [x for s in specialities for x in s] + [""] * (6 - 2 * len(specialities))
        return ([nda, "", name, siren, siret, address, postcode, town, region] + [_flag(f) for f in flags]
                + ["", "", "", "", "", f"{declared:%d/%m/%Y}", "01/01/2024", "31/12/2024"] + specs
                + [trainees, str(int(rng.integers(0, 20))) if trainees else "", trainers])

    for o in orgs.itertuples():
        specialities = [nsf[o.domain]] + [all_nsf[int(k)] for k in rng.choice(len(all_nsf), size=int(rng.integers(0, 3)),
                                                                               replace=False)]
        specialities = list(dict.fromkeys(specialities))[:3]
        vae = None if rng.random() < 0.05 else o.qualiopi_vae      # a few empty booleans, as in the real file
        trainees = "" if rng.random() < 0.04 else str(o.trainees)  # not declared yet
        rows.append(row(o.nda, o.name.upper(), o.siren, o.siret, o.address, o.postcode, o.town, region_code,
                        (o.qualiopi_training, o.qualiopi_skills_review, vae, o.cfa), specialities, trainees,
                        str(o.trainers)))
    others = [o for o in _OTHER_REGIONS if o[0] != region_code]
    for i in range(10):
        region, postcode, town = others[i % len(others)]
        siren = f"{int(rng.integers(100_000_000, 999_999_999))}"
        rows.append(row(f"{region}{postcode[:2]}{int(rng.integers(0, 9_999_999)):07d}", f"ORGANISME HORS REGION {i + 1}",
                        siren, f"{siren}00015", "1 rue de la Gare", postcode, town, region,
                        (True, False, False, bool(rng.random() < 0.3)), [all_nsf[i % len(all_nsf)]],
                        str(int(rng.integers(5, 500))), str(int(rng.integers(1, 30)))))
    order = rng.permutation(len(rows))
    return [rows[int(k)] for k in order]


def write_demo(path: Path, communes, orgs: pd.DataFrame, demo_domains: list[tuple], rng: np.random.Generator) -> None:
    """Write the demo list in the current layout (:func:`sources.organisms.write`): the ~140
    organisms of the training-offer demo (the SIRET it names, ``orgs``) and 10 organisms of other
    regions (see :func:`demo_rows`). Same inputs and ``rng`` state, same bytes."""
    write(path, pd.DataFrame(demo_rows(communes, orgs, demo_domains, rng), columns=HEADER))
