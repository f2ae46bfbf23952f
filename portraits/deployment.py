"""Scheduled refreshes: the deployment of the ``refresh`` flow that ``portraits serve`` serves,
declared as data in ``portraits.toml`` (name, parameters of every run, cron schedules).

The schedules are Prefect's own (``prefect.schedules.Cron``): a cron string read in an IANA
time zone, so "each Monday at 06:00 Europe/Paris" stays at 06:00 local time across daylight
saving changes. ``next_runs`` asks Prefect's scheduler code for the next dates, as the server
will compute them.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "portraits.toml"


class ConfigError(ValueError):
    """A bad ``portraits.toml``: the message names the file and the entry."""


@dataclass(frozen=True)
class ScheduleSpec:
    slug: str                    # the TOML table name, e.g. "hebdomadaire"
    cron: str
    timezone: str
    description: str = ""
    active: bool = True
    parameters: dict = field(default_factory=dict)   # overrides of the deployment's parameters for this schedule


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    description: str
    parameters: dict             # parameters of the refresh flow for every run (settings, fetch, task_runner…)
    schedules: tuple[ScheduleSpec, ...]
    tags: tuple[str, ...] = ()


def load(path: Path | str = CONFIG) -> DeploymentSpec:
    """Read and check the ``[deployment]`` and ``[schedules.<slug>]`` tables of ``path``."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            decl = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"{path} : fichier de configuration introuvable") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} : TOML invalide ({exc})") from None
    dep = decl.get("deployment")
    if not isinstance(dep, dict) or not dep.get("name"):
        raise ConfigError(f"{path} : table [deployment] sans « name »")
    schedules = []
    for slug, s in (decl.get("schedules") or {}).items():
        where = f"{path} : [schedules.{slug}]"
        if not isinstance(s, dict) or not isinstance(s.get("cron"), str):
            raise ConfigError(f"{where} : « cron » manquant")
        tz = s.get("timezone", "Europe/Paris")
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"{where} : fuseau horaire inconnu : {tz!r} (nom IANA attendu, ex. Europe/Paris)") from None
        spec = ScheduleSpec(slug=slug, cron=s["cron"], timezone=tz, description=s.get("description", ""),
                            active=bool(s.get("active", True)), parameters=dict(s.get("parameters", {})))
        try:
            prefect_schedule(spec)
        except ValueError as exc:          # Prefect's own validation of the cron string
            raise ConfigError(f"{where} : expression cron invalide {spec.cron!r} ({_first_line(exc)})") from None
        schedules.append(spec)
    return DeploymentSpec(name=dep["name"], description=dep.get("description", ""),
                          parameters=dict(dep.get("parameters", {})), schedules=tuple(schedules),
                          tags=tuple(dep.get("tags", ())))


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[-1]


def prefect_schedule(spec: ScheduleSpec):
    """The Prefect schedule object of one entry."""
    from prefect.schedules import Cron
    return Cron(spec.cron, timezone=spec.timezone, active=spec.active, parameters=spec.parameters or None,
                slug=spec.slug)


def prefect_schedules(deployment: DeploymentSpec) -> list:
    return [prefect_schedule(s) for s in deployment.schedules]


def next_runs(spec: ScheduleSpec, n: int = 3, after: dt.datetime | None = None) -> list[dt.datetime]:
    """The next ``n`` run times of a schedule, in its time zone, as Prefect's scheduler computes them."""
    import asyncio

    from prefect.server.schemas.schedules import CronSchedule
    after = after or dt.datetime.now(dt.timezone.utc)
    sched = CronSchedule(cron=spec.cron, timezone=spec.timezone)
    dates = asyncio.run(sched.get_dates(n=n, start=after))
    return [d.astimezone(ZoneInfo(spec.timezone)) for d in dates]


def to_deployment(flow, deployment: DeploymentSpec):
    """The Prefect deployment (``RunnerDeployment``) of ``flow`` with the schedules and parameters."""
    return flow.to_deployment(name=deployment.name, description=deployment.description or None,
                              parameters=deployment.parameters, schedules=prefect_schedules(deployment),
                              tags=list(deployment.tags) or None)


def deploy_to_work_pool(flow, deployment: DeploymentSpec, work_pool: str, source: Path = ROOT):
    """Register the deployment on a work pool of a Prefect server or Prefect Cloud (a ``process``
    pool: ``prefect worker start --pool NAME`` on a machine that has this repository at
    ``source`` runs the flow runs). Returns the deployment id."""
    remote = flow.from_source(source=str(source), entrypoint="flows/refresh.py:refresh")
    return remote.deploy(name=deployment.name, work_pool_name=work_pool, description=deployment.description or None,
                         parameters=deployment.parameters, schedules=prefect_schedules(deployment),
                         tags=list(deployment.tags) or None, build=False, push=False, print_next_steps=False)
