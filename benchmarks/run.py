"""Benchmark of a full refresh from a cold cache, then of a second run with nothing changed.

    python -m benchmarks.run [--territories SET] [--profile demo|official] [--limit N]
                             [--output DIR] [--json PATH] [--no-prefect] [--processes N] [--keep] [-v]
    make bench                                   # the 17 territories of spro17, through Prefect
    make bench ARGS="--processes 1"              # every stage timed, on one core
    make bench ARGS="--limit 3 --no-prefect"     # a quick one

What it does, in one process (and, as ``portraits build``, one render worker process per core:
``--processes``; with more than one, the drawing and writing of the portraits is one line, the
render phase's wall time, since the stage timers below see only this process):

1. imports the pipeline (timed); unless ``--no-prefect``, imports Prefect and the ``refresh`` flow,
   then runs a trivial flow, which starts Prefect's ephemeral server (each timed on its own line);
2. runs a full refresh on fresh output and work folders (``DIR/site`` and ``DIR/work``; ``DIR`` is
   ``--output``, a new temporary folder by default, removed at the end unless ``--keep``):
   through the ``refresh`` flow, or with ``--no-prefect`` by calling the functions of
   ``portraits.pipeline`` and ``portraits.publish`` in the flow's order;
3. runs it a second time with nothing changed (same folders, same process: in-process caches
   and Prefect's server are warm, imports are not repeated) and checks that nothing was rendered.
4. with ``--mobpro-rows N`` (``make bench``: 8 million, the size of Insee's national
   ``FD_MOBPRO`` detail file), writes a synthetic detail file of N lines in that format
   (:func:`portraits.demo.mobility.write_large_demo`, with the region's real commune codes; not timed as
   a load) and times its load by :func:`sources.mobility.read` — DuckDB reads the CSV from disk and
   writes the region's flows to Parquet, nothing is materialised in pandas — with the peak
   memory of that phase.

Stage timings come from timing wrappers installed at runtime, in this process only, on functions
of ``portraits.pipeline``, ``portraits.publish``, ``portraits.charts`` and ``portraits.render``
(the package is not modified). Times are *exclusive*: a wrapped call made inside another one
(``render.write_pdf`` inside ``pipeline.render_territory``, the index page's ``render.render_html``
inside ``publish.publish``) counts for its own stage only, so the stages add up to the wall time; what no
wrapper covers (Prefect's task machinery, the flow's own code) is reported as ``unaccounted``.
Totals are summed over threads: should territories be rendered in parallel one day, stage totals
could exceed the render phase's wall time (reported as ``render_wall_s``).

``--limit N`` builds only the first N territories: the list of contexts returned by
``compute_site`` is cut, and the index map drawn by ``publish`` keeps only those territories.

Peak memory: ``resource.getrusage`` (``ru_maxrss`` of this process and of its waited-for children),
``VmHWM`` from ``/proc/self/status``, and a sampling thread (psutil when installed, otherwise
``/proc``) that sums the RSS of this process and of its live descendants (Prefect's server runs
as a child process); shared pages are counted once per process.

Results: a table on stdout and a JSON file, by default ``output/bench/<timestamp>.json`` (``output/``
is git-ignored), to compare runs. JSON format (``schema`` 1; seconds and MiB)::

    schema, created (ISO time), command (argv)
    settings:   territory_set, profile, limit, prefect (bool), output, territories_built
    machine:    cpu_count, cpu_affinity, python, implementation, platform, machine, mem_total_mib,
                load_avg_start, load_avg_end, git_commit, git_dirty, packages {name: version}
    python_startup_s    interpreter start → benchmark start (from /proc, 10 ms resolution)
    cold:       wall_s (benchmark start → end of the first refresh, imports and Prefect start included)
                flow_wall_s (refresh call → return), render_wall_s (first render start → last end)
                stages {name: {seconds, calls[, first_s]}} with names in STAGES (absent stages are 0;
                       first_s = exclusive time of the stage's first call, i.e. with its warm-up)
                portraits {count, rendered, mean_s, min_s, max_s, min_code, max_code,
                           per_territory [{code, name, seconds, rendered, error}]}
                overhead {seconds, share, work_seconds, flow_seconds, flow_share}
                    seconds = wall_s − (charts + maps + html + pdf + ingest + warehouse + indicators),
                    share = seconds / wall_s; flow_* = the same on flow_wall_s (no imports, no Prefect start)
                ingest_by_dataset {dataset: seconds}
                summary {published, rebuilt, skipped, warehouse_rebuilt, unchanged_edition, missing}
                memory {peak_rss_mib, peak_rss_tree_mib}   sampled during this phase
    mobpro:     rows, file_mib, write_s, load_s, rows_per_s, flows_kept, memory (only with --mobpro-rows)
    second_run: wall_s, rendered_nothing (no page, PDF, chart or map drawn and the site not
                republished), tree_changed (the loading code or the templates changed on disk during
                the first run, e.g. edited by someone else: then the second run redoes work),
                stages, portraits, summary, memory (same shapes as in cold)
    memory:     ru_maxrss_self_mib, ru_maxrss_children_mib, vmhwm_mib, peak_rss_mib,
                peak_rss_tree_mib, sampler ("psutil" or "proc"), interval_s
    error, failed_phase {phase, stages {name: seconds}, portraits}
                only when a run failed (the JSON is still written, the exit status is 1)
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
import inspect
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RESULTS = ROOT / "output" / "bench"
SCHEMA = 1

# (key, label) in the order of a refresh. "unaccounted" = wall time not covered by any wrapper.
STAGES = [
    ("imports", "Python imports (pipeline, pandas, duckdb…)"),
    ("prefect_import", "Prefect import (prefect, flows.refresh)"),
    ("prefect_start", "Prefect start (ephemeral server, trivial flow)"),
    ("flow_start", "Flow call → first task starts"),
    ("locate", "Locate inputs (fingerprints; is the published edition already this one?)"),
    ("ingest", "Ingest (read and validate sources)"),
    ("warehouse", "Warehouse (DuckDB build)"),
    ("indicators", "Indicators (compute_site)"),
    ("staging", "Staging folder"),
    ("charts", "Charts (matplotlib SVG)"),
    ("maps", "Maps (map data + PNG)"),
    ("html", "HTML (Jinja)"),
    ("pdf", "PDF (WeasyPrint)"),
    ("render_other", "Render: rest (render keys, files)"),
    ("render_parallel", "Render in N worker processes (wall)"),
    ("publish", "Publish (index, manifest, check, swap)"),
    ("unaccounted", "Unaccounted (orchestration between steps)"),
]
STAGE_KEYS = [k for k, _ in STAGES]
WORK_STAGES = ("charts", "maps", "html", "pdf", "render_parallel", "ingest", "warehouse", "indicators")
# Functions of portraits.charts that draw maps (the others draw charts).
MAP_FUNCTIONS = {"territory_map", "choropleth", "flow_map"}
# ... and the chart of the site's comparison page, drawn by publish at every run.
SITE_CHARTS = {"small_multiples"}
MIB = 1024 * 1024


# ---------------------------------------------------------------------------------------------
# Timing

class StageTimer:
    """Thread-safe accumulator of exclusive time per stage, fed by wrappers around functions."""

    def __init__(self):
        self._lock = threading.Lock()
        self._local = threading.local()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.totals: dict[str, float] = {}
            self.calls: dict[str, int] = {}
            self.first: dict[str, float] = {}      # exclusive time of each stage's first call (warm-up)
            self.details: dict[str, float] = {}
            self.portraits: list[dict] = []
            self.first_entry: float | None = None
            self.render_span: list[float] = []     # [first render start, last render end]

    def _add(self, stage: str, seconds: float) -> None:
        with self._lock:
            self.first.setdefault(stage, seconds)
            self.totals[stage] = self.totals.get(stage, 0.0) + seconds
            self.calls[stage] = self.calls.get(stage, 0) + 1

    def wrap(self, stage: str, fn, on_return=None):
        """``fn`` timed under ``stage``; time spent in nested wrapped calls is not counted twice.
        ``on_return(args, kwargs, result_or_exception, t0, t1)`` is called after each call."""
        if getattr(fn, "__bench_wrapped__", False):
            raise RuntimeError(f"{fn!r} is already wrapped")

        @functools.wraps(fn)
        def timed(*args, **kwargs):
            stack = self._local.__dict__.setdefault("stack", [])
            frame = [0.0]            # time spent in nested wrapped calls
            stack.append(frame)
            t0 = time.perf_counter()
            if self.first_entry is None:
                with self._lock:
                    if self.first_entry is None:
                        self.first_entry = t0
            result = None
            try:
                result = fn(*args, **kwargs)
                return result
            except BaseException as exc:
                result = exc
                raise
            finally:
                t1 = time.perf_counter()
                stack.pop()
                if stack:
                    stack[-1][0] += t1 - t0
                self._add(stage, t1 - t0 - frame[0])
                if on_return is not None:
                    on_return(args, kwargs, result, t0, t1)

        timed.__bench_wrapped__ = True
        return timed

    def wrap_detail(self, name: str, fn):
        """Inclusive time of ``fn`` under ``details[name]``, outside the stage accounting."""
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                with self._lock:
                    self.details[name] = self.details.get(name, 0.0) + time.perf_counter() - t0
        return timed

    def record_portrait(self, args, kwargs, result, t0, t1) -> None:
        ctx = kwargs.get("ctx", args[1] if len(args) > 1 else {})
        error = None if not isinstance(result, BaseException) else f"{type(result).__name__}: {result}"
        rendered = bool(getattr(result, "rendered", False))
        with self._lock:
            self.portraits.append({"code": ctx.get("code"), "name": ctx.get("name"), "seconds": t1 - t0,
                                   "rendered": rendered, "error": error or getattr(result, "error", None)})
            self.render_span = [min(self.render_span[0], t0), max(self.render_span[1], t1)] \
                if self.render_span else [t0, t1]


class Patches:
    """Attributes replaced at runtime, restored by ``restore()``."""

    def __init__(self):
        self._saved: list[tuple[object, str, object]] = []

    def set(self, owner, name: str, value) -> None:
        self._saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def restore(self) -> None:
        while self._saved:
            owner, name, value = self._saved.pop()
            setattr(owner, name, value)


def instrument(timer: StageTimer, limit: int | None) -> Patches:
    """Install the timing wrappers (and the ``--limit`` cut) on the pipeline's modules."""
    import sources
    from portraits import charts, ingest, pipeline, publish, render

    p = Patches()
    stages = {
        # The flows call commune_reference and ingest_dataset (one task each), run_direct calls ingest.
        ingest: {"locate_inputs": "locate", "ingest": "ingest",
                 "commune_reference": "ingest", "ingest_dataset": "ingest"},
        pipeline: {"warehouse_is_current": "locate",
                   "build_warehouse": "warehouse", "compute_site": "indicators",
                   "map_data": "maps"},
        publish: {"unchanged_edition": "locate", "prepare_staging": "staging", "publish": "publish"},
        # Every public drawing function of portraits.charts: maps or charts (new ones are timed too).
        charts: {name: "maps" if name in MAP_FUNCTIONS else "publish" if name in SITE_CHARTS else "charts"
                 for name, fn in inspect.getmembers(charts, inspect.isfunction)
                 if fn.__module__ == charts.__name__ and not name.startswith("_")},
        render: {"territory_map": "maps", "commune_map": "maps", "flow_map": "maps", "render_html": "html",
                 "write_pdf": "pdf", "index_map_svg": "publish"},
    }
    for module, names in stages.items():
        for name, stage in names.items():
            if not hasattr(module, name):
                print(f"warning: {module.__name__}.{name} not found: its time goes to another stage",
                      file=sys.stderr)
                continue
            fn = getattr(module, name)
            if limit is not None and module is pipeline and name == "compute_site":
                fn = _limited_site(fn, limit)
            if limit is not None and module is render and name == "index_map_svg":
                fn = _limited_index_map(fn)
            p.set(module, name, timer.wrap(stage, fn))
    p.set(pipeline, "render_territory",
          timer.wrap("render_other", pipeline.render_territory, on_return=timer.record_portrait))
    if hasattr(pipeline, "reuse_unchanged"):    # the render flow's reuse step (before the render tasks)
        p.set(pipeline, "reuse_unchanged", timer.wrap("render_other", pipeline.reuse_unchanged))
    for key, module in getattr(sources, "REGISTRY", {}).items():
        if hasattr(module, "read"):
            p.set(module, "read", timer.wrap_detail(key, module.read))
    return p


def _limited_site(compute_site, n: int):
    @functools.wraps(compute_site)
    def limited(settings, *args, **kwargs):
        site = compute_site(settings, *args, **kwargs)
        contexts = site.contexts[:n]
        keep = {c["code"] for c in contexts}
        index = dict(site.index, territories=[t for t in site.index.get("territories", []) if t["code"] in keep])
        return dataclasses.replace(site, contexts=contexts, index=index)
    return limited


def _limited_index_map(index_map_svg):
    @functools.wraps(index_map_svg)
    def limited(territories, links, *args, **kwargs):
        return index_map_svg(territories[territories.territory_code.isin(list(links))], links, *args, **kwargs)
    return limited


# ---------------------------------------------------------------------------------------------
# Memory

def _status_kib(pid: str, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: str) -> list[str]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    out += f.read().split()
            except OSError:
                pass
    except OSError:
        pass
    return out


def _descendants(pid: str) -> list[str]:
    found, todo = [], _children(pid)
    while todo:
        c = todo.pop()
        found.append(c)
        todo += _children(c)
    return found


class MemorySampler(threading.Thread):
    """Samples the RSS of this process and of the process tree; keeps the peaks of each phase."""

    def __init__(self, interval: float = 0.1):
        super().__init__(name="bench-memory-sampler", daemon=True)
        self.interval = interval
        self._halt = threading.Event()
        self._lock = threading.Lock()
        self.phase = "setup"
        self.peaks: dict[str, list[int]] = {}     # phase -> [self bytes, tree bytes]
        try:
            import psutil
            self._proc = psutil.Process()
            self.kind = "psutil"
        except ImportError:
            self._proc = None
            self.kind = "proc"

    def sample(self) -> tuple[int, int]:
        if self._proc is not None:
            import psutil
            own = self._proc.memory_info().rss
            tree = own
            for c in self._proc.children(recursive=True):
                try:
                    tree += c.memory_info().rss
                except psutil.Error:
                    pass
            return own, tree
        own = _status_kib("self", "VmRSS") * 1024
        return own, own + sum(_status_kib(c, "VmRSS") * 1024 for c in _descendants(str(os.getpid())))

    def set_phase(self, phase: str) -> None:
        self._record()
        with self._lock:
            self.phase = phase

    def _record(self) -> None:
        own, tree = self.sample()
        with self._lock:
            peak = self.peaks.setdefault(self.phase, [0, 0])
            peak[0], peak[1] = max(peak[0], own), max(peak[1], tree)

    def run(self) -> None:
        while not self._halt.wait(self.interval):
            self._record()

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self._record()

    def peak(self, phase: str | None = None) -> dict:
        with self._lock:
            values = [self.peaks.get(phase, [0, 0])] if phase else list(self.peaks.values()) or [[0, 0]]
        return {"peak_rss_mib": round(max(v[0] for v in values) / MIB, 1),
                "peak_rss_tree_mib": round(max(v[1] for v in values) / MIB, 1)}


# ---------------------------------------------------------------------------------------------
# Machine

def _git(*args: str) -> str | None:
    try:
        r = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=10,
                           env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})   # read-only: never write the index
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout.strip() if r.returncode == 0 else None


def machine_info() -> dict:
    from importlib.metadata import PackageNotFoundError, version
    packages = {}
    for name in ("prefect", "weasyprint", "duckdb", "matplotlib", "pandas", "geopandas", "jinja2"):
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = None
    mem_total = _meminfo_kib("MemTotal")
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "mem_total_mib": round(mem_total / 1024, 1) if mem_total else None,
        "load_avg_start": _loadavg(),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": None if status is None else bool(status),
        "packages": packages,
    }


def _meminfo_kib(field: str) -> int | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def python_startup_seconds() -> float | None:
    """Seconds since this process started (its interpreter start), from /proc."""
    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])          # field 22 (starttime), after pid and comm
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return round(uptime - start_ticks / os.sysconf("SC_CLK_TCK"), 2)
    except (OSError, ValueError, IndexError):
        return None


# ---------------------------------------------------------------------------------------------
# Runs

def prefect_environment() -> None:
    """Same settings as the Makefile and ``portraits build``: offline, ephemeral, quiet."""
    os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("MPLCONFIGDIR", str(ROOT / ".cache" / "matplotlib"))


def run_direct(settings) -> dict:
    """The refresh flow's steps, without Prefect (looked up at call time: the wrappers apply)."""
    from portraits import ingest, pipeline, publish
    from portraits.demo import ensure_demo
    if settings.generated_demo:
        ensure_demo(settings.inputs_dir, settings.region_code())
    inputs = ingest.locate_inputs(settings)
    rebuilt_warehouse = False
    if not pipeline.warehouse_is_current(settings, inputs):
        datasets = ingest.ingest(settings, inputs)
        pipeline.build_warehouse(settings, datasets, inputs)
        rebuilt_warehouse = True
    unchanged = publish.unchanged_edition(settings, inputs)
    if unchanged is not None:
        _, summary = publish.unchanged_run(unchanged)
        return {**summary, "warehouse_rebuilt": rebuilt_warehouse, "missing": inputs.missing,
                "warnings": unchanged["warnings"]}
    site = pipeline.compute_site(settings)
    staging = publish.prepare_staging(settings)
    outcomes = []
    for ctx in site.contexts:
        try:
            outcomes.append(pipeline.render_territory(settings, ctx, staging))
        except Exception as exc:  # isolated like in the flow: publish refuses and names it
            outcomes.append(pipeline.RenderOutcome(ctx["code"], ctx["name"], rendered=False, seconds=0.0,
                                                   error=f"{type(exc).__name__}: {exc}"))
    summary = publish.publish(settings, staging, site, outcomes, inputs.edition)
    summary.update(warehouse_rebuilt=rebuilt_warehouse, missing=inputs.missing, warnings=site.warnings)
    return summary


def phase_result(timer: StageTimer, wall: float, flow_wall: float, extra: dict[str, float],
                 flow_t0: float | None, summary: dict | None, processes: int = 1) -> dict:
    stages = {k: {"seconds": 0.0, "calls": 0} for k in STAGE_KEYS}
    for k, v in extra.items():
        stages[k] = {"seconds": v, "calls": 1}
    if flow_t0 is not None and timer.first_entry is not None and "flow_start" not in extra:
        stages["flow_start"] = {"seconds": timer.first_entry - flow_t0, "calls": 1}
    for k, v in timer.totals.items():
        stages.setdefault(k, {"seconds": 0.0, "calls": 0})
        stages[k] = {"seconds": v, "calls": timer.calls[k], "first_s": timer.first[k]}
    if processes > 1 and timer.render_span:
        # The drawing and writing run in worker processes, which the stage timers do not see: the
        # render tasks' time (summed over threads, waiting for the workers) becomes one stage, the
        # render phase's wall time.
        rendered = sum(1 for p in timer.portraits if p["rendered"])
        stages["render_parallel"] = {"seconds": timer.render_span[1] - timer.render_span[0], "calls": rendered}
        stages["render_other"] = {"seconds": 0.0, "calls": 0}
    accounted = sum(s["seconds"] for k, s in stages.items() if k != "unaccounted")
    stages["unaccounted"] = {"seconds": max(0.0, wall - accounted), "calls": 0}
    for s in stages.values():
        for key in ("seconds", "first_s"):
            if key in s:
                s[key] = round(s[key], 3)

    rendered = [p for p in timer.portraits if p["rendered"]]
    timed = rendered or timer.portraits
    portraits = {"count": len(timer.portraits), "rendered": len(rendered)}
    if timed:
        fastest = min(timed, key=lambda p: p["seconds"])
        slowest = max(timed, key=lambda p: p["seconds"])
        portraits.update(mean_s=round(sum(p["seconds"] for p in timed) / len(timed), 3),
                         min_s=round(fastest["seconds"], 3), max_s=round(slowest["seconds"], 3),
                         min_code=fastest["code"], max_code=slowest["code"])
    portraits["per_territory"] = [dict(p, seconds=round(p["seconds"], 3)) for p in timer.portraits]

    work = sum(stages[k]["seconds"] for k in WORK_STAGES)
    result = {
        "wall_s": round(wall, 3),
        "flow_wall_s": round(flow_wall, 3),
        "render_wall_s": round(timer.render_span[1] - timer.render_span[0], 3) if timer.render_span else 0.0,
        "stages": stages,
        "portraits": portraits,
        "overhead": {"seconds": round(wall - work, 3), "share": round((wall - work) / wall, 4) if wall else None,
                     "work_seconds": round(work, 3), "flow_seconds": round(flow_wall - work, 3),
                     "flow_share": round((flow_wall - work) / flow_wall, 4) if flow_wall else None},
        "ingest_by_dataset": {k: round(v, 3) for k, v in sorted(timer.details.items(), key=lambda kv: -kv[1])},
    }
    if summary is not None:
        result["summary"] = {k: summary.get(k) for k in ("published", "rebuilt", "skipped", "warehouse_rebuilt",
                                                         "unchanged_edition", "missing")}
    return result


def benchmark(args) -> tuple[dict, int]:
    bench_t0 = time.perf_counter()
    startup = python_startup_seconds()
    sampler = MemorySampler()
    sampler.start()
    result: dict = {
        "schema": SCHEMA,
        "created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": sys.argv,
        "settings": {"territory_set": args.territories, "profile": args.profile, "limit": args.limit,
                     "prefect": not args.no_prefect, "output": str(args.output)},
        "machine": machine_info(),
        "python_startup_s": startup,
    }
    status = 0
    extra: dict[str, float] = {}
    patches = None
    timer = StageTimer()
    phase = "cold"
    try:
        sampler.set_phase("cold")
        t = time.perf_counter()
        from portraits import pipeline  # noqa: F401  (timed: what the steps import)
        from portraits.settings import Settings
        extra["imports"] = time.perf_counter() - t
        refresh = None
        if not args.no_prefect:
            t = time.perf_counter()
            import prefect  # noqa: F401
            from flows.refresh import refresh
            extra["prefect_import"] = time.perf_counter() - t
            t = time.perf_counter()
            _trivial_flow()
            extra["prefect_start"] = time.perf_counter() - t

        patches = instrument(timer, args.limit)
        # As `portraits build`: one render process per core (--processes). The stage timers wrap
        # functions of this process, which the worker processes (pipeline.render_pool) do not see:
        # with --processes 1, the portraits are drawn here and each stage is timed on one core.
        settings = Settings(territory_set=args.territories, profile=args.profile,
                                     output=args.output / "site", work_dir=args.output / "work",
                                     render_processes=args.processes)
        result["settings"]["processes"] = settings.processes()

        def once() -> tuple[dict, float, float]:
            t0 = time.perf_counter()
            summary = refresh(settings) if refresh is not None else run_direct(settings)
            return summary, t0, time.perf_counter()

        fingerprint_cold = _tree_fingerprint()
        timer.reset()
        summary, flow_t0, flow_t1 = once()
        cold = phase_result(timer, flow_t1 - bench_t0, flow_t1 - flow_t0, extra,
                            flow_t0 if refresh is not None else None, summary, settings.processes())
        cold["memory"] = sampler.peak("cold")
        result["settings"]["territories_built"] = cold["portraits"]["count"]
        result["cold"] = cold
        if settings.processes() == 1:
            _check_instrumentation(cold)

        phase = "second_run"
        sampler.set_phase("second")
        tree_changed = _tree_fingerprint() != fingerprint_cold
        if tree_changed:
            print("warning: the code or templates changed on disk during the first run (another developer "
                  "editing?): the second run is not a 'nothing changed' run", file=sys.stderr)
        timer.reset()
        summary, flow_t0, flow_t1 = once()
        second = phase_result(timer, flow_t1 - flow_t0, flow_t1 - flow_t0, {},
                              flow_t0 if refresh is not None else None, summary)
        drawn = sum(timer.calls.get(k, 0) for k in ("charts", "maps", "pdf"))
        second["rendered_nothing"] = (second["portraits"]["rendered"] == 0 and drawn == 0
                                      and not summary.get("rebuilt") and not summary.get("published"))
        second["memory"] = sampler.peak("second")
        second["tree_changed"] = tree_changed
        result["second_run"] = second

        if args.mobpro_rows:
            phase = "mobpro"
            sampler.set_phase("mobpro")
            result["mobpro"] = mobpro_load(args.mobpro_rows, settings, args.output / "mobpro")
            result["mobpro"]["memory"] = sampler.peak("mobpro")
    except Exception as exc:
        traceback.print_exc()
        result["error"] = f"{type(exc).__name__}: {exc}"
        result["failed_phase"] = {"phase": phase, "stages": {k: round(v, 3) for k, v in timer.totals.items()},
                                  "portraits": [dict(p, seconds=round(p["seconds"], 3)) for p in timer.portraits]}
        status = 1
    finally:
        if patches is not None:
            patches.restore()
        sampler.stop()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss       # KiB on Linux
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["memory"] = {"ru_maxrss_self_mib": round(own / 1024, 1),
                        "ru_maxrss_children_mib": round(children / 1024, 1),
                        "vmhwm_mib": round(_status_kib("self", "VmHWM") / 1024, 1),
                        **sampler.peak(), "sampler": sampler.kind, "interval_s": sampler.interval}
    result["machine"]["load_avg_end"] = _loadavg()
    return result, status


def _tree_fingerprint() -> str | None:
    """What the pipeline's own caches depend on besides the inputs: the loading code, the
    templates, the indicator SQL and the code of ``portraits/`` (the edition fingerprint's part
    that is not the inputs). A change between the two runs explains a second run that redoes work."""
    from portraits import fingerprints
    from portraits.settings import Settings
    try:
        return fingerprints.edition_fingerprint(Settings(), fingerprints.code_fingerprint())
    except Exception:  # the pipeline's internals may change: never fail the benchmark for it
        return None


def _trivial_flow() -> None:
    from prefect import flow

    @flow(name="bench-noop", log_prints=False)
    def noop() -> int:
        return 1

    noop()


def _check_instrumentation(cold: dict) -> None:
    if cold["portraits"]["rendered"] and not all(cold["stages"][k]["calls"] for k in ("maps", "html", "pdf")):
        print("warning: portraits were rendered but some of maps/html/pdf were never timed: the pipeline "
              "may call them under other names; their time is counted in 'Render: rest'", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# Report

def _s(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def mobpro_load(n_rows: int, settings, folder: Path) -> dict:
    """Write a national-size ``FD_MOBPRO`` detail file, then time its load (see the module doc)."""
    import numpy as np

    from portraits import geography
    from portraits.demo import mobility as demo_mobility
    from sources import mobility
    codes = geography.commune_codes(settings.region_code())
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    path = demo_mobility.write_large_demo(folder / "FD_MOBPRO_2022.csv", n_rows, np.random.default_rng(2022), codes=codes)
    write_s = time.perf_counter() - t
    t = time.perf_counter()
    loaded = mobility.read([path], codes, workdir=folder / "work")
    load_s = time.perf_counter() - t
    out = {"rows": n_rows, "file_mib": round(path.stat().st_size / 2**20, 1), "write_s": round(write_s, 3),
           "load_s": round(load_s, 3), "rows_per_s": round(n_rows / load_s), "flows_kept": loaded.rows}
    shutil.rmtree(folder, ignore_errors=True)
    return out


def machine_line(m: dict) -> str:
    """The machine of a result (``machine_info``), on one line of the report."""
    return (f"machine: {m['cpu_count']} CPUs ({m['cpu_affinity']} usable), {m['mem_total_mib']} MiB, "
            f"Python {m['python']}, {m['platform']}; commit {(m['git_commit'] or '?')[:10]}"
            f"{' (uncommitted changes)' if m['git_dirty'] else ''}; load average {m['load_avg_start']} → "
            f"{m.get('load_avg_end')}")


def format_report(r: dict) -> str:
    m, st = r["machine"], r["settings"]
    mode = "Prefect (ephemeral server)" if st["prefect"] else "no Prefect (pipeline functions called directly)"
    lines = [f"portraits benchmark — set {st['territory_set']}, profile {st['profile']}, "
             f"{st.get('territories_built', '?')} territories, {mode}",
             machine_line(m)]
    if "cold" not in r:
        lines.append(f"FAILED: {r.get('error')}")
        return "\n".join(lines)
    c = r["cold"]
    wall = c["wall_s"]
    lines += ["", "Full refresh from a cold cache (fresh output and work folders)",
              f"  {'stage':<48}{'seconds':>9}{'share':>8}{'calls':>7}{'per call':>10}{'1st call':>10}"]
    for key, label in STAGES:
        label = label.replace("N worker", f"{st.get('processes', 1)} worker")
        s = c["stages"].get(key, {"seconds": 0.0, "calls": 0})
        if not s["seconds"] and not s["calls"]:
            continue
        per = f"{s['seconds'] / s['calls']:.3f}" if s["calls"] > 1 else ""
        first = f"{s['first_s']:.3f}" if s["calls"] > 1 and "first_s" in s else ""
        lines.append(f"  {label:<48}{s['seconds']:>9.2f}{100 * s['seconds'] / wall:>7.1f}%"
                     f"{s['calls'] or '':>7}{per:>10}{first:>10}")
    lines.append(f"  {'total wall time':<48}{wall:>9.2f}{100.0:>7.1f}%")
    lines.append(f"  (refresh call → return: {_s(c['flow_wall_s'])} s; render phase wall time: "
                 f"{_s(c['render_wall_s'])} s; Python interpreter start before the benchmark: "
                 f"{_s(r.get('python_startup_s'))} s, not included)")
    if c["ingest_by_dataset"]:
        lines.append("  ingest by dataset (s): " + ", ".join(f"{k} {v:.2f}" for k, v in c["ingest_by_dataset"].items()))
    p = c["portraits"]
    if p.get("mean_s") is not None:
        lines.append(f"Time per portrait ({p['rendered']} rendered): mean {p['mean_s']:.2f} s, "
                     f"min {p['min_s']:.2f} s ({p['min_code']}), max {p['max_s']:.2f} s ({p['max_code']})")
    o = c["overhead"]
    lines.append(f"Orchestration overhead = wall − (charts + maps + HTML + PDF + ingest + warehouse + indicators): "
                 f"{o['seconds']:.2f} s = {100 * o['share']:.1f}% of the full refresh "
                 f"(of the refresh call alone, without imports and Prefect start: {o['flow_seconds']:.2f} s = "
                 f"{100 * o['flow_share']:.1f}%)")
    mem = r["memory"]
    lines.append(f"Peak memory: this process {mem['ru_maxrss_self_mib']:.0f} MiB (ru_maxrss; VmHWM "
                 f"{mem['vmhwm_mib']:.0f} MiB); process tree sampled {mem['peak_rss_tree_mib']:.0f} MiB "
                 f"(cold run {c['memory']['peak_rss_tree_mib']:.0f} MiB, second run "
                 f"{r.get('second_run', {}).get('memory', {}).get('peak_rss_tree_mib', 0):.0f} MiB); "
                 f"waited-for children {mem['ru_maxrss_children_mib']:.0f} MiB (ru_maxrss of short-lived "
                 f"subprocesses — git, and ldconfig/gcc spawned by cffi when WeasyPrint loads its libraries — "
                 f"counts the pages they shared with this process when forked)")
    if "second_run" in r:
        s2 = r["second_run"]
        busy = sorted(((k, v["seconds"]) for k, v in s2["stages"].items() if v["seconds"] >= 0.05),
                      key=lambda kv: -kv[1])
        lines += ["", f"Second run, nothing changed (same output folder, same process): {s2['wall_s']:.2f} s — "
                      f"rendered nothing: {'yes' if s2['rendered_nothing'] else 'NO'} "
                      f"({s2['portraits']['rendered']} portraits rendered, site "
                      f"{'republished' if s2.get('summary', {}).get('published') else 'not republished'}; "
                      f"published edition found unchanged, indicators not computed: "
                      f"{'yes' if s2.get('summary', {}).get('unchanged_edition') else 'no'})",
                  "  " + ", ".join(f"{k} {v:.2f} s" for k, v in busy)]
        if s2.get("tree_changed"):
            lines.append("  WARNING: code or templates changed on disk between the two runs: this second run "
                         "redid the work that change invalidates")
    if "mobpro" in r:
        mp = r["mobpro"]
        lines += ["", f"National-size MOBPRO detail file: {mp['rows']:,} lines ({mp['file_mib']:.0f} MiB, written in "
                      f"{mp['write_s']:.1f} s) loaded in {mp['load_s']:.2f} s ({mp['rows_per_s']:,} lines/s; "
                      f"{mp['flows_kept']:,} flows of the region kept); peak memory of the process tree "
                      f"{mp['memory']['peak_rss_tree_mib']:.0f} MiB".replace(",", " ")]
    if "error" in r:
        lines.append(f"FAILED: {r['error']}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------

def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run",
                                description="Time a full refresh from a cold cache, by stage, and a second "
                                            "run with nothing changed; write the figures to a JSON file.")
    p.add_argument("--territories", metavar="SET", default="spro17", help="territory set (default: spro17)")
    p.add_argument("--profile", choices=("demo", "official"), default="demo", help="input profile (default: demo)")
    p.add_argument("--limit", metavar="N", type=int, help="build only the first N territories")
    p.add_argument("--output", metavar="DIR", type=Path,
                   help="folder for the site (DIR/site) and the warehouse (DIR/work); must not hold them already "
                        "(default: a new temporary folder, removed at the end unless --keep)")
    p.add_argument("--json", metavar="PATH", type=Path,
                   help=f"results file (default: {DEFAULT_RESULTS.relative_to(ROOT)}/<timestamp>.json)")
    p.add_argument("--processes", metavar="N", type=int, default=0,
                   help="render processes (default: one per core, as portraits build; 1: every stage timed here)")
    p.add_argument("--no-prefect", action="store_true", help="call the pipeline functions directly, without Prefect")
    p.add_argument("--keep", action="store_true", help="keep the temporary output folder")
    p.add_argument("--mobpro-rows", metavar="N", type=int, default=0,
                   help="also time the load of a national-size MOBPRO detail file of N lines (make bench: 8000000)")
    p.add_argument("-v", "--verbose", action="store_true", help="show the pipeline's progress log")
    return p


def _setup_logging(verbose: bool) -> None:
    import logging
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log = logging.getLogger("portraits")
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO if verbose else logging.WARNING)
    log.propagate = False
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser().error("--limit must be at least 1")
    temporary = args.output is None
    args.output = Path(tempfile.mkdtemp(prefix="portraits-bench-")) if temporary else args.output.resolve()
    taken = [n for n in ("site", "site.previous", ".site.staging", "work") if (args.output / n).exists()]
    if taken:
        print(f"error: {args.output} already holds {', '.join(taken)}: a cold run needs fresh folders "
              f"(choose another --output or remove them)", file=sys.stderr)
        return 2
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    json_path = args.json or DEFAULT_RESULTS / f"{stamp}{'-noprefect' if args.no_prefect else ''}.json"
    return run_and_save(benchmark, format_report, args, json_path, temporary)


def run_and_save(bench, report, args, json_path: Path, temporary: bool) -> int:
    """Run ``bench(args)`` (→ result, exit status) in the benchmark environment, remove a temporary
    output folder unless ``--keep``, write the result as JSON and print ``report(result)``."""
    prefect_environment()
    _setup_logging(args.verbose)
    sys.path.insert(0, str(ROOT))     # `flows` and `sources` are top-level packages of the project
    try:
        result, status = bench(args)
    finally:
        if temporary and not args.keep:
            shutil.rmtree(args.output, ignore_errors=True)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(report(result))
    print(f"\nresults: {json_path}" + (f"; output kept in {args.output}" if args.keep or not temporary else ""))
    return status


if __name__ == "__main__":
    sys.exit(main())
