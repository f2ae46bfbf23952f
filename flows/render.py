"""The ``render`` flow: indicators and page contexts from the warehouse; the territories unchanged
since the published edition are reused (one ``reuse-unchanged`` task), then one ``render-<code>``
task per other territory (mapped), into the staging folder, its progress shown as each
completes (``portraits.progress``). Publishing is the ``refresh`` flow's last step.

Only wiring: the work is in ``portraits.pipeline`` (and ``portraits.publish`` for the staging folder). The task runner is chosen by ``refresh``
(threads by default, a Dask cluster with ``--task-runner dask``).
"""
from __future__ import annotations

import time
from concurrent.futures import Executor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task, unmapped
from prefect.cache_policies import NONE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from portraits import pipeline, publish
from portraits.pipeline import RenderOutcome, Site
from portraits.progress import Progress
from portraits.settings import Settings

TASK = dict(cache_policy=NONE, persist_result=False)


class shipped(quote):
    """Prefect's ``quote`` (the value passed to the task as it is, not walked through) that comes
    back whole from pickling, as the parameters of a task sent to a Dask worker do. ``quote`` is a
    tuple subclass whose constructor takes the value, while pickle rebuilds a tuple subclass from
    its items: ``quote(ctx)`` arrived as ``quote((ctx,))``, unquoted to the tuple ``(ctx,)`` (the
    "tuple indices must be integers or slices, not str" of every territory under Dask)."""
    __slots__ = ()

    def __reduce__(self):
        return type(self), (self.unwrap(),)


@dataclass
class RenderRun:
    """What the render flow produced: the site's contexts, the staging folder, one outcome per
    territory (rendered, reused, or failed with its error), its time per stage."""
    site: Site
    staging: Path
    outcomes: list[RenderOutcome]
    timings: dict[str, float] = field(default_factory=dict)


@task(name="compute-indicators", **TASK)
def compute_site(settings: Settings) -> Site:
    """Indicators by territory and for the region, and the context of every page (the published
    site they are compared with is first repaired, when a publish was killed midway)."""
    publish.recover_site(settings)
    return pipeline.compute_site(settings)


@task(name="prepare-staging", **TASK)
def prepare_staging(settings: Settings) -> Path:
    """An empty staging folder beside the site (what an interrupted run left is deleted)."""
    return publish.prepare_staging(settings)


@task(name="reuse-unchanged", **TASK)
def reuse_unchanged(settings: Settings, contexts: list[dict], staging: Path) -> dict[str, RenderOutcome]:
    """Territories unchanged since the published edition: their files are linked into the
    staging folder (one task for all, so that a run with nothing changed starts no render task)."""
    return pipeline.reuse_unchanged(settings, contexts, staging)


@task(name="render-territory", task_run_name="render-{ctx[code]}", **TASK)
def render_territory(settings: Settings, ctx: dict, staging: Path, pool: Executor | None = None) -> RenderOutcome:
    """One territory's page, PDF, images and data files (drawn and written in a worker process of
    ``pool`` when given); reused when its render key is unchanged."""
    return pipeline.render_territory(settings, ctx, staging, pool)


def _outcome(future, ctx: dict) -> RenderOutcome:
    """One territory failing does not stop the others: its error is kept, and publish refuses
    to publish an incomplete site, naming it."""
    try:
        return future.result()
    except Exception as exc:  # any failure of one territory's rendering is isolated
        return RenderOutcome(ctx["code"], ctx["name"], rendered=False, seconds=0.0,
                             error=f"{type(exc).__name__}: {exc}")


@flow(name="render", task_runner=ThreadPoolTaskRunner(max_workers=1), persist_result=False, log_prints=False)
def render(settings: Settings, in_processes: bool = True) -> quote[RenderRun]:
    """Compute the indicators of ``settings.territory_set`` and render every territory into the
    staging folder (HTML page, PDF, charts, maps, data files); one task per territory.

    in_processes: with the thread runner, each task hands the drawing and writing to one of
        ``settings.processes()`` worker processes (``pipeline.render_pool``); off under Dask,
        whose workers are processes already.

    Returns the :class:`RenderRun` wrapped in Prefect's ``quote`` (``.unquote()`` it)."""
    t0 = time.perf_counter()
    # The render processes start first: they warm up while the indicators are computed.
    with (pipeline.render_pool(settings) if in_processes else nullcontext()) as pool:
        site = compute_site(settings)
        t1 = time.perf_counter()
        staging = prepare_staging(settings)
        # quote(): Prefect passes the contexts as they are, without walking through every value of
        # them (about a second per walk of the whole site; several walks per task).
        reused = reuse_unchanged(settings, quote(site.contexts), staging)
        todo = [c for c in site.contexts if c["code"] not in reused]
        rendered: dict[str, RenderOutcome] = {}
        if todo:
            with Progress(len(todo), reused=len(reused), pdf="pdf" in settings.formats) as progress:
                # One portrait alone is drawn here: as soon as in a worker, and no pickling.
                futures = render_territory.map(unmapped(settings), [shipped(c) for c in todo], unmapped(staging),
                                               unmapped(pool if len(todo) > 1 else None))
                ctx_of = dict(zip(futures, todo))
                for f in as_completed(list(futures)):      # in the order they complete: the progress lines
                    rendered[ctx_of[f]["code"]] = _outcome(f, ctx_of[f])
                    progress.update(rendered[ctx_of[f]["code"]])
    outcomes = [reused.get(c["code"]) or rendered[c["code"]] for c in site.contexts]
    # Quoted: Prefect would walk through every page's context looking for futures in the return
    # value (about a second); the caller unquotes it.
    return quote(RenderRun(site, staging, outcomes, {"indicators": t1 - t0, "render": time.perf_counter() - t1}))
