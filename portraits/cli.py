"""Command-line interface: ``portraits build | serve | check | territories | fetch | demo | rollback``."""
from __future__ import annotations

import argparse
import logging
import os
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

from sources.common import SourceError
from sources.download import fetch_all, redact

from . import check, deployment, lock
from .demo import DemoError, ensure_demo, generate
from .deployment import ConfigError
from .geography import POPULATION_VINTAGE, GeographyError, load_communes, region_info
from .local_server import LocalServer, prefect_environment
from .lock import LockError, RunInProgress
from .pipeline import quiet_rendering_logs
from .ingest import accepted_codes, check_inputs, cog_tables, set_membership
from .publish import PublishError, rollback
from .settings import DEMO_DIR, DEMO_REGION, PDF_ENGINES, PROFILES, Settings
from .sitemap import SitemapError, normalise_base_url
from .territories import TerritorySetError, compare, get_set

log = logging.getLogger("portraits")
# What a user can mend (a bad file, a bad territory set, a bad setting): said once, in French,
# without a traceback.
INPUT_ERRORS = (SourceError, TerritorySetError, GeographyError, PublishError, ConfigError, DemoError, LockError)
# Exit status of a run refused because another one holds the site (EX_TEMPFAIL: try again later).
BUSY = 75


class NoInputErrorTraceback(logging.Filter):
    """Leaves out of Prefect's console the tracebacks of a task or flow failed on an input error
    (:data:`INPUT_ERRORS`): ``portraits build`` says the error itself ("échec : …"). Any other
    failure keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], INPUT_ERRORS))


class RedactingFormatter(logging.Formatter):
    """Log lines with the credentials of any URL masked (user:password@, token parameters)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log.handlers[:] = [handler]
    log.setLevel(logging.DEBUG if verbose else logging.INFO)
    log.propagate = False
    quiet_rendering_logs()
    logging.getLogger("distributed").setLevel(logging.ERROR)
    # distributed sets its logger's level again when imported (from dask's configuration), in this
    # process and in the workers of a local cluster: only its errors there too.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")


def _settings(args) -> Settings:
    return Settings(territory_set=args.territories, profile=args.profile,
                    raw_dir=Path(args.raw_dir) if args.raw_dir else None, output=Path(args.output),
                    region=args.region, reach_km=args.distance_km, base_url=args.base_url,
                    formats=args.formats, pdf_engine=args.pdf_engine)


def _positive_km(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"distance invalide : {text!r}") from None
    if not 0 < value <= 200:
        raise argparse.ArgumentTypeError(f"distance hors bornes (0 à 200 km) : {text!r}")
    return value


def _formats(text: str) -> tuple[str, ...]:
    formats = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    try:
        Settings(formats=formats)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return formats


def _minutes(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"durée invalide : {text!r} (un nombre de minutes)") from None
    if not 0 <= value <= 24 * 60:
        raise argparse.ArgumentTypeError(f"durée hors bornes (0 à 1440 minutes) : {text!r}")
    return value


def _wait_option(p: argparse.ArgumentParser, command: str) -> None:
    p.add_argument("--wait", metavar="MINUTES", nargs="?", type=_minutes, const=lock.DEFAULT_WAIT_MINUTES,
                   default=0.0, help="si une autre exécution (build, rollback, exécution planifiée) est en cours "
                   f"sur le même site : attendre sa fin, au plus MINUTES minutes (--wait seul : "
                   f"{lock.DEFAULT_WAIT_MINUTES:.0f}) ; sans cette option, {command} s'arrête aussitôt en la nommant")


def _base_url(text: str) -> str:
    try:
        return normalise_base_url(text)
    except SitemapError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--territories", metavar="SET", default="spro17",
                   help="jeu de territoires (data/territories/sets.toml) ; défaut : spro17")
    p.add_argument("--profile", choices=PROFILES, default="demo",
                   help="demo : données de démonstration fournies ; official : fichiers officiels téléchargés "
                        "par « portraits fetch » (défaut : demo)")
    p.add_argument("--raw-dir", metavar="DIR", help="dossier de fichiers officiels déjà téléchargés "
                                                    "(reconnus par leur nom officiel)")
    p.add_argument("--output", metavar="DIR", default="output/site", help="dossier du site publié (défaut : output/site)")
    p.add_argument("--region", metavar="CODE", help="code Insee de la région (défaut : celle du jeu de territoires)")
    p.add_argument("--distance-km", metavar="KM", type=_positive_km, default=15.0,
                   help="distance au-delà de laquelle une commune est dite éloignée d'un point d'accueil "
                        "du SPRO (défaut : 15 km)")
    p.add_argument("--base-url", metavar="URL", type=_base_url, default=Settings.base_url,
                   help="adresse publique du site, pour les adresses absolues de sitemap.xml "
                        f"(défaut : {Settings.base_url}, l'aperçu local « python -m http.server -d output/site »)")
    p.add_argument("--formats", metavar="LISTE", type=_formats, default=Settings.formats,
                   help="formats des portraits : html,pdf (défaut) ou html (aperçu sans PDF, 3 fois plus rapide)")
    p.add_argument("--pdf-engine", choices=PDF_ENGINES, default=Settings.pdf_engine,
                   help="mise en page des PDF : typst (défaut) ou weasyprint (le moteur d'avant, "
                        "environ 8 fois plus lent ; pour comparer)")
    p.add_argument("-v", "--verbose", action="store_true", help="plus de détails")


def cmd_build(args) -> int:
    settings = _settings(args)
    # Taken before Prefect starts, so that a refused run stops at once; the flow takes it again.
    with lock.hold_refresh(settings.output, settings.work, wait_seconds=60 * args.wait,
                           hint="pour attendre sa fin : portraits build --wait [MINUTES]"):
        return _build(settings, args)


def _build(settings: Settings, args) -> int:
    prefect_environment()
    t0 = time.perf_counter()
    log.info("démarrage de Prefect…")
    from .prefect_api import PrefectServerError, api_url, start_local_server, wait_ready
    # Started by the command's entry point (portraits.launch) before anything was imported, or
    # now, before the flows are imported: it boots meanwhile (none when a server is configured).
    server = start_local_server(args.early_server)
    from flows.refresh import refresh
    for handler in logging.getLogger().handlers:          # Prefect's console handler
        handler.addFilter(NoInputErrorTraceback())
    if server:
        try:
            wait_ready(server)
        except PrefectServerError as exc:
            log.error("erreur : %s ; le site publié dans %s n'a pas été modifié", exc, settings.output)
            return 1
    log.info("Prefect prêt (%.1f s, %s) ; jeu %s, profil %s, entrées %s", time.perf_counter() - t0,
             f"serveur local temporaire {server.api_url}" if server else f"serveur {redact(api_url())}",
             settings.territory_set, settings.profile, settings.inputs_dir)
    state = refresh(settings, task_runner=args.task_runner, dask_address=args.dask_address, return_state=True)
    if state.is_failed():
        try:
            state.result()
        except Exception as exc:  # the flow's own error, reported to the user
            log.error("échec : %s", exc)
        log.error("le site publié dans %s n'a pas été modifié", settings.output)
        return 1
    summary = state.result()
    for w in summary["warnings"]:
        log.warning("avertissement : %s", w)
    for key in summary["missing"]:
        log.warning("donnée absente : %s (section signalée indisponible)", key)
    if summary.get("unchanged_edition"):
        log.info("rien n'a changé : mêmes données, même code et mêmes réglages que l'édition publiée dans %s ; "
                 "indicateurs non recalculés, aucun portrait refait (%.1f s)", settings.output, time.perf_counter() - t0)
    elif not summary["published"]:
        log.info("rien n'a changé : aucun portrait à refaire, site inchangé dans %s (%.1f s)",
                 settings.output, time.perf_counter() - t0)
    else:
        log.info("site publié dans %s : %d portraits produits, %d repris inchangés (%.1f s)", settings.output,
                 len(summary["rebuilt"]), len(summary["skipped"]), time.perf_counter() - t0)
    return 0


def cmd_serve(args) -> int:
    """Serve the refresh flow as a deployment on the schedules of the configuration file."""
    spec = deployment.load(args.config)
    for s in spec.schedules:
        runs = ", ".join(d.strftime("%Y-%m-%d %H:%M %Z") for d in deployment.next_runs(s, 3))
        log.info("planification %s : « %s » (%s)%s — prochaines exécutions : %s", s.slug, s.cron, s.timezone,
                 "" if s.active else " inactive", runs)
    if args.dry_run:
        return 0
    # The runs' logs, with the pipeline's own lines (files read, territories rendered), go to the
    # Prefect server: they are what one watches in the UI.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "portraits")
    prefect_environment()
    from prefect.settings import PREFECT_API_URL
    if not PREFECT_API_URL.value():
        log.error("erreur : aucun serveur Prefect (PREFECT_API_URL non défini) : les planifications ne "
                  "s'exécutent que sur un serveur Prefect (« prefect server start ») ou Prefect Cloud ; voir le README")
        return 2
    from flows.refresh import refresh
    if args.work_pool:
        try:
            deployment.deploy_to_work_pool(refresh, spec, args.work_pool)
        except ValueError as exc:        # Prefect's message, e.g. a work pool that does not exist
            log.error("erreur : %s (créer le groupe : prefect work-pool create %s --type process)", exc,
                      args.work_pool)
            return 2
        log.info("déploiement « refresh/%s » enregistré sur %s, groupe de travail « %s » : ses exécutions "
                 "sont faites par « prefect worker start --pool %s »", spec.name, PREFECT_API_URL.value(),
                 args.work_pool, args.work_pool)
        return 0
    from prefect import serve
    log.info("déploiement « refresh/%s » servi par %s ; arrêt : Ctrl+C", spec.name, PREFECT_API_URL.value())
    serve(deployment.to_deployment(refresh, spec), print_starting_message=False)
    return 0


WIDTH = 100     # the columns of the terminal the listings fit


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[:width - 1] + "…"


def _widths(columns: list[list[str]], room: int) -> list[int]:
    """Widths of text columns sharing ``room`` characters: each as wide as its longest text, the
    widest narrowed first until they fit."""
    widths = [max(len(t) for t in texts) for texts in columns]
    while sum(widths) > room:
        widths[widths.index(max(widths))] -= 1
    return widths


def _number(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def cmd_territories(args) -> int:
    settings = _settings(args)
    tset = settings.tset()
    communes = load_communes(settings.region_code())
    codes, _ = accepted_codes(settings.region_code(), cog_tables(settings))
    membership, warnings = set_membership(settings, codes)
    other = None
    if args.compare:
        other, more = set_membership(replace(settings, territory_set=args.compare), codes)
        warnings += more
    for w in warnings:
        log.warning("avertissement : %s", w)
    region_name, _ = region_info(settings.region_code())
    if other is not None:
        _print_comparison(settings, args.compare, membership, other, communes, region_name, POPULATION_VINTAGE)
        return 0
    stats = membership.merge(communes[["code", "population"]], left_on="commune_code", right_on="code") \
        .groupby(["territory_code", "territory_name"]).agg(communes=("code", "count"), population=("population", "sum")) \
        .reset_index()
    print(textwrap.fill(f"{tset.title}, {region_name} ({tset.key}, {len(stats)} territoires"
                        f"{', périmètres indicatifs' if tset.indicative else ''})", WIDTH))
    if tset.source:
        print(textwrap.fill("Périmètres : " + ", ".join(tset.source[k] for k in ("producer", "publication", "version")
                                                         if k in tset.source), WIDTH))
    wc = max(6, stats.territory_code.str.len().max())      # EPCI: 9-digit SIREN codes, long names
    wn = max(34, stats.territory_name.str.len().max())
    print(f"{'code':<{wc}} {'territoire':<{wn}} {'communes':>8} {'population (2017)':>18}")
    for r in stats.itertuples():
        print(f"{r.territory_code:<{wc}} {r.territory_name:<{wn}} {r.communes:>8} {_number(r.population):>18}")
    print(f"{'':<{wc}} {'total':<{wn}} {stats.communes.sum():>8} {_number(stats.population.sum()):>18}")
    return 0


def cmd_check(args) -> int:
    """Read the official files of a folder as a refresh would, print what each gave; exit 1 when a
    refresh would fail. Renders nothing."""
    settings = _settings(args)
    level = log.level
    if not args.verbose:
        log.setLevel(logging.ERROR)      # the table says what the log lines would (missing files, rows read)
    try:
        if settings.generated_demo:     # as the refresh flow does before locating the inputs
            ensure_demo(settings.inputs_dir, settings.region_code())
        rows = check_inputs(settings)
    finally:
        log.setLevel(level)
    print(check.format_table(rows, str(settings.inputs_dir)))
    return 1 if check.failed(rows) else 0


def _print_comparison(settings, key: str, ours, theirs, communes, region_name: str, vintage: str) -> None:
    """``portraits territories --compare KEY``: the matches, the communes placed elsewhere, a summary."""
    mine, other = settings.tset(), get_set(key)
    matches, moved = compare(ours, theirs, communes, weight="population")
    print(f"Comparaison de deux jeux de territoires, {region_name} (population {vintage})")
    for what, tset, m in (("jeu utilisé", mine, ours), ("comparé à  ", other, theirs)):
        print(textwrap.fill(f"{what} : {tset.key}, {m.territory_code.nunique()} territoires — {tset.title}",
                            WIDTH, initial_indent="  ", subsequent_indent=" " * 16))
    print(textwrap.fill(f"Chaque territoire de {mine.key} est apparié au territoire de {other.key} qui rassemble la "
                        "plus grande part de sa population (part : cette part) ; suivent les communes placées "
                        "ailleurs que dans le territoire apparié.", WIDTH))
    print()
    wc = max(4, matches.territory_code.str.len().max())
    wm = max(4, matches.match_code.str.len().max())
    wn = (WIDTH - wc - wm - 9) // 2
    print(f"{'code':<{wc}} {_fit('territoire (' + mine.key + ')', wn):<{wn}} "
          f"{_fit('territoire apparié (' + other.key + ')', wm + 1 + wn):<{wm + 1 + wn}} {'part':>5}")
    for r in matches.itertuples():
        print(f"{r.territory_code:<{wc}} {_fit(r.territory_name, wn):<{wn}} "
              f"{r.match_code:<{wm}} {_fit(r.match_name, wn):<{wn}} {f'{100 * r.share:.0f} %':>5}")
    print()
    print(f"Communes placées ailleurs que dans le territoire apparié : {len(moved)}")
    heads = ["commune", f"territoire ({mine.key})", f"territoire ({other.key})"]
    wname, wt, wo = _widths([[h, *v] for h, v in zip(heads, (moved.name, moved.territory_name, moved.other_name))],
                            WIDTH - 5 - 10 - 5)
    print(f"{'code':<5} {heads[0]:<{wname}} {'population':>10}  {_fit(heads[1], wt):<{wt}} {_fit(heads[2], wo)}")
    for r in moved.itertuples():
        print(f"{r.commune_code:<5} {_fit(r.name, wname):<{wname}} {_number(r.population):>10}  "
              f"{_fit(r.territory_name, wt):<{wt}} {_fit(r.other_name, wo)}")
    total = int(communes.population.sum())
    share = f"{100 * moved.population.sum() / total:.1f}".replace(".", ",") if total else "0"
    print(f"{len(moved)} communes sur {_number(len(communes))} placées ailleurs : "
          f"{_number(int(moved.population.sum()))} habitants, {share} % de la population de la région.")


def cmd_fetch(args) -> int:
    settings = _settings(args)
    dest = Path(args.raw_dir) if args.raw_dir else settings.work.parent / "raw"
    results = fetch_all(dest, region=settings.region_code())
    failed = [r for r in results if r["error"]]
    for r in results:
        log.info("%s : %s", r["id"], r["error"] or f"{r['file']} ({r['bytes']} octets, sha256 {r['sha256'][:12]})")
    return 1 if failed else 0


def cmd_rollback(args) -> int:
    settings = _settings(args)
    with lock.hold(settings.output, wait_seconds=60 * args.wait, what="le site",
                   hint="pour attendre sa fin : portraits rollback --wait [MINUTES]"):
        rollback(settings)
    log.info("édition précédente remise en place dans %s (l'édition retirée est gardée dans %s.previous)",
             settings.output, settings.output)
    return 0


def cmd_demo(args) -> int:
    dest = Path(args.dest) if args.dest else DEMO_DIR
    for p in generate(dest, region=args.region or DEMO_REGION):
        log.info("écrit : %s", p)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="portraits", description="Portraits socio-économiques des territoires "
                                "d'orientation : emploi, formation, parcours.")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="rafraîchir tout : lire les données, calculer, produire et publier le site")
    _common(b)
    b.add_argument("--task-runner", choices=("threads", "dask"), default="threads",
                   help="exécution du rendu par territoire : threads (défaut) ou dask (grappe Dask : locale, "
                        "ou celle de --dask-address)")
    b.add_argument("--dask-address", metavar="ADRESSE", help="ordonnanceur Dask existant (ex. tcp://hote:8786) ; "
                   "défaut : une grappe locale, un processus par cœur")
    _wait_option(b, "build")
    b.set_defaults(func=cmd_build)
    s = sub.add_parser("serve", help="servir le rafraîchissement comme déploiement Prefect, selon les "
                                     "planifications du fichier de configuration")
    s.add_argument("--config", metavar="FICHIER", default=str(Path("portraits.toml")),
                   help="fichier de configuration : [deployment] et [schedules.*] (défaut : portraits.toml)")
    s.add_argument("--dry-run", action="store_true", help="afficher les planifications et leurs prochaines "
                                                          "exécutions, sans servir")
    s.add_argument("--work-pool", metavar="NOM", help="au lieu de servir : enregistrer le déploiement sur ce "
                   "groupe de travail (work pool) du serveur Prefect ou de Prefect Cloud, puis rendre la main")
    s.add_argument("-v", "--verbose", action="store_true")
    s.set_defaults(func=cmd_serve)
    t = sub.add_parser("territories", help="lister le jeu de territoires : code, nom, communes, population")
    _common(t)
    t.add_argument("--compare", metavar="SET", help="comparer au jeu SET : chaque territoire apparié au territoire "
                   "de SET qui rassemble le plus de sa population, puis les communes placées ailleurs")
    t.set_defaults(func=cmd_territories)
    c = sub.add_parser("check", help="contrôler un dossier de fichiers officiels avant un rafraîchissement : "
                                     "fichiers reconnus, millésimes, lignes, colonnes absentes ou inconnues")
    _common(c)
    c.set_defaults(func=cmd_check)
    f = sub.add_parser("fetch", help="télécharger les fichiers officiels (profil official)")
    _common(f)
    f.set_defaults(func=cmd_fetch)
    r = sub.add_parser("rollback", help="remettre en place l'édition précédente du site")
    _common(r)
    _wait_option(r, "rollback")
    r.set_defaults(func=cmd_rollback)
    d = sub.add_parser("demo", help="régénérer les données de démonstration (data/demo)")
    d.add_argument("--dest", metavar="DIR", help="dossier de sortie (défaut : data/demo)")
    d.add_argument("--region", metavar="CODE", help="code Insee de la région (défaut : 52)")
    d.add_argument("-v", "--verbose", action="store_true")
    d.set_defaults(func=cmd_demo)
    return p


def main(argv: list[str] | None = None, early_server: LocalServer | None = None) -> int:
    """The ``portraits`` command; ``early_server``: the Prefect server its entry point
    (``portraits.launch``) started for a build, before this module was imported."""
    args = parser().parse_args(argv)
    args.early_server = early_server
    _setup_logging(getattr(args, "verbose", False))
    try:
        return args.func(args)
    except RunInProgress as exc:
        log.error("erreur : %s", exc)
        return BUSY
    except INPUT_ERRORS as exc:
        log.error("erreur : %s", exc)
        return 2
    except BrokenPipeError:      # a listing piped into a command that stopped reading it (head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())   # no second error at exit
        return 0


if __name__ == "__main__":
    sys.exit(main())
