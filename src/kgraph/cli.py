"""The ``kgraph`` command: thin commands over the same services the web app uses.

Exit codes: 0 success, 1 an error (one line on stderr, naming the file or URL),
2 bad usage or settings, 3 data that does not conform (the report is printed).
"""

from __future__ import annotations

import functools
import logging
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from kgraph.errors import ConfigError, KgraphError, ValidationFailed
from kgraph.settings import Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])
BIG_LOAD = 5 * 1024 * 1024  # show a progress bar above this many bytes


def common_options(fn: F) -> F:
    """``--store``, ``--base-iri`` and ``--config`` on every command."""

    @click.option(
        "--store",
        "store",
        metavar="PATH|URL",
        help="Store directory (default .kgraph/store, or KGRAPH_STORE) or a SPARQL endpoint URL.",
    )
    @click.option("--base-iri", metavar="IRI", help="Base IRI of the data (KGRAPH_BASE_IRI).")
    @click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="TOML settings file (default ./kgraph.toml if present, or KGRAPH_CONFIG).",
    )
    @functools.wraps(fn)
    def wrapper(
        *args: Any, store: str | None, base_iri: str | None, config_file: Path | None, **kw: Any
    ) -> Any:
        settings = load_settings(
            config_file if config_file is not None else "", store=store, base_iri=base_iri
        )
        return fn(*args, settings=settings, **kw)

    return wrapper  # type: ignore[return-value]


@contextmanager
def progress_bar(total_hint: int, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar for loads that take more than a moment; ``None`` for small ones."""
    if total_hint < BIG_LOAD:
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=_stderr_console(),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total_hint)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kgraph")
def cli() -> None:
    """kgraph: validate, build, serve and publish a linked-data knowledge graph.

    Settings come from KGRAPH_* environment variables, a kgraph.toml file, or
    the options below. Run `kgraph COMMAND --help` for each command.
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--reference", is_flag=True, help="Check with pyshacl, not the fast SPARQL check.")
@click.option(
    "--severity",
    "severities",
    type=click.Choice(["violation", "warning", "info"], case_sensitive=False),
    multiple=True,
    help="Show only results of this severity (repeatable); the summary counts all.",
)
@click.option("--no-context", is_flag=True, help="PATHS alone, without the rest of data/.")
@common_options
def validate(
    paths: tuple[Path, ...], reference: bool, severities: tuple[str, ...], no_context: bool,
    settings: Settings,
) -> None:  # fmt: skip
    """Validate RDF files against the SHACL shapes in shapes/ (docs/validation.md).

    PATHS are files or folders (default: ontology/ and data/); the rest of data/ is
    context, only results about resources in PATHS are shown, by severity and resource
    with file:line. Exits 3 on violations, 1 on syntax errors (all, file:line:col),
    2 on an ill-formed shape (its file:line).
    """
    from kgraph.build.loader import validate_paths

    context = [settings.paths.data_dir] if paths and not no_context else []
    report = validate_paths(settings, list(paths), reference=reference or None, context=context)
    click.echo(report.render({s.lower() for s in severities} or None))
    if not report.conforms:
        raise ValidationFailed(f"{len(report.violations())} violation(s)", None)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--reference", is_flag=True, help="Check with pyshacl, not the fast SPARQL check.")
@common_options
def build(paths: tuple[Path, ...], reference: bool, settings: Settings) -> None:
    """Validate, then load PATHS into a fresh store and swap it in atomically.

    PATHS are files or folders of Turtle, N-Triples, N-Quads, TriG, JSON-LD or
    RDF/XML, optionally gzipped (default: ontology/ and data/). Nonconforming
    data is refused and the served store is left exactly as it was.
    """
    from kgraph.build.loader import build as run_build
    from kgraph.shacl.report import collect_rdf_files
    from kgraph.store import open_store

    chosen = list(paths) or settings.paths.default_paths()
    size = sum(f.stat().st_size for f in collect_rdf_files(chosen))
    store = open_store(settings, writable=True)
    with progress_bar(size, "loading") as progress:
        result = run_build(settings, store, chosen, progress=progress, reference=reference or None)
    for line in result.report.render().splitlines()[-1:]:
        click.echo(line, err=True)
    click.echo(
        f"built {result.info.triples} triples into {result.info.location} "
        f"(version {result.info.version})"
    )


@cli.command()
@click.option("--host", help="Interface to listen on (default 127.0.0.1, KGRAPH_HOST).")
@click.option("--port", type=int, help="Port (default 8000, KGRAPH_PORT).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="HTTP worker processes (default 1, KGRAPH_WORKERS); each opens the store read-only.",
)
@common_options
def serve(host: str | None, port: int | None, workers: int | None, settings: Settings) -> None:
    """Serve the SPARQL endpoint and the linked-data pages over the store.

    The store must have been built (`kgraph build`) or be a SPARQL endpoint URL.
    """
    from kgraph.store import open_store
    from kgraph.web.server import serve as run_server

    settings = settings.replace(host=host, port=port)
    store = open_store(settings)  # fail now, with a clear message, if there is nothing to serve
    info = store.info()
    click.echo(
        f"serving {info.triples} triples from {info.location} at "
        f"http://{settings.server.host}:{settings.server.port}/ "
        f"(base IRI {settings.server.base_iri})",
        err=True,
    )
    run_server(settings, store, workers or settings.server.workers)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--to", "to", required=True, metavar="URL", help="SPARQL Update endpoint URL.")
@click.option("--query-url", metavar="URL", help="SPARQL query endpoint (default: derived).")
@click.option("--graph-store-url", metavar="URL", help="Graph Store Protocol endpoint (faster).")
@click.option("--graph", metavar="IRI", help="Graph to publish into (default urn:kgraph:data).")
@click.option("--user", help="User name (KGRAPH_REMOTE_USER).")
@click.option("--password", help="Password (better: KGRAPH_REMOTE_PASSWORD).")
@click.option("--auth", type=click.Choice(["basic", "digest", "bearer"]), help="Default basic.")
@click.option("--token", help="Bearer token (better: KGRAPH_REMOTE_TOKEN).")
@common_options
def publish(paths: tuple[Path, ...], settings: Settings, **remote: str | None) -> None:
    """Validate PATHS, then publish them to a remote SPARQL 1.1 store in one step.

    The data is uploaded into a staging graph in chunks, its triple count is
    checked, then it replaces the published graph with one MOVE: readers never
    see half of it, and on any failure the published graph stays as it was.
    For Oxigraph server: --to http://HOST/update --graph-store-url http://HOST/store.
    """
    from kgraph.build.publish import publish as run_publish
    from kgraph.build.publish import remote_settings
    from kgraph.shacl.reference import collect_rdf_files

    settings = remote_settings(settings, **remote)  # type: ignore[arg-type]
    chosen = list(paths) or settings.paths.default_paths()
    size = sum(f.stat().st_size for f in collect_rdf_files(chosen))
    with progress_bar(size, "publishing") as progress:
        result = run_publish(settings, chosen, progress=progress)
    info = result.info
    click.echo(
        f"published {info.triples} triples into <{info.extra.get('graph')}> at "
        f"{settings.remote.update_url} (version {info.version})"
    )


@cli.command()
@click.argument("query_or_file")
@click.option(
    "--format",
    "fmt",
    default=None,
    help="json, xml, csv, tsv (SELECT/ASK; default: a table) or turtle, ntriples, rdfxml, "
    "jsonld, trig, nquads (CONSTRUCT/DESCRIBE; default turtle).",
)
@common_options
def query(query_or_file: str, fmt: str | None, settings: Settings) -> None:
    """Run a SPARQL query (text, or a file name) against the store; print the result."""
    from kgraph.errors import QuerySyntaxError
    from kgraph.linkeddata.editor import graph_prefixes
    from kgraph.query.answer import run_query
    from kgraph.query.protocol import QueryRequest, choose_formats
    from kgraph.query.syntax import in_words
    from kgraph.store import open_store

    path = Path(query_or_file)
    if path.is_file():
        text = path.read_text(encoding="utf-8")
    elif not re.search(r"[\s{]", query_or_file):  # one word without '{': a file name, not SPARQL
        raise click.UsageError(f"{query_or_file}: file not found (and not a SPARQL query)")
    else:
        text = query_or_file
    store = open_store(settings)
    try:
        result = run_query(store, QueryRequest(text, base_iri=settings.server.base_iri))
    except QuerySyntaxError as exc:
        raise in_words(text, exc, graph_prefixes(settings.server.base_iri)) from None
    try:
        if fmt is None and result.kind in ("select", "ask"):
            _print_table(result)
            return
        chosen = choose_formats(fmt or "turtle", None, False).for_kind(result.kind)
        out = _EndsWithNewline(sys.stdout.buffer)
        result.serialize(chosen, out)  # type: ignore[arg-type]
        out.close()
    finally:
        # The engine's result must die on this thread: dropped now, not by a collection
        # that may run on another thread if this frame is kept in a reference cycle.
        del result


class _EndsWithNewline:
    """Writes through to ``out``; on close, adds a newline if the output did not end in one."""

    def __init__(self, out: Any) -> None:
        self._out, self._last = out, b"\n"

    def write(self, data: bytes) -> int:
        if data:
            self._last = data[-1:]
        return int(self._out.write(data))

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> None:
        if self._last != b"\n":
            self._out.write(b"\n")
        self._out.flush()


@cli.command()
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write (created; an earlier dump set there is replaced).",
)
@common_options
def dump(out: Path, settings: Settings) -> None:
    """Write the served data as dump files with checksums, VoID and a manifest.

    N-Triples (gzip), Turtle, JSON-LD, RDF/XML of the default graph, N-Quads
    (gzip) of all graphs when named graphs exist, void.ttl and manifest.json,
    all from one store version.
    """
    from kgraph.opendata.dumps import write_dumps
    from kgraph.store import open_store

    manifest = write_dumps(open_store(settings), settings, out)
    for f in (*manifest.files, manifest.void):
        click.echo(f"{f.bytes:>12}  {f.sha256}  {out / f.name}")
    click.echo(f"version {manifest.version}: {manifest.triples} triples", err=True)


@cli.command()
@click.option("--check", is_flag=True, help="Validate against the DCAT-AP(-SE) SHACL shapes.")
@click.option(
    "--profile",
    type=click.Choice(["3.0.1", "2.1.1"]),
    default="3.0.1",
    show_default=True,
    help="DCAT-AP release to write (and check) the record for.",
)
@click.option(
    "--format",
    "fmt",
    default="rdfxml",
    show_default=True,
    help="turtle, rdfxml, jsonld or ntriples (when printing the record).",
)
@common_options
def catalog(check: bool, profile: str, fmt: str, settings: Settings) -> None:
    """Print the DCAT-AP-SE catalogue record, or with --check validate it.

    The record needs the dump set of the served version (for sizes and
    checksums): it is written under the dumps folder if missing. --check loads
    the official shapes from dcat_ap_dir (KGRAPH_DCAT_AP_DIR, default
    ../shared/dcat-ap) and dcat_ap_se_dir; it prints the report and exits 3
    on any violation.
    """
    from kgraph.formats import GRAPH_FORMATS
    from kgraph.negotiation import negotiate
    from kgraph.opendata.catalog import build_catalog
    from kgraph.opendata.catalog_check import check_record
    from kgraph.opendata.dumps import DumpCache
    from kgraph.store import open_store

    chosen = negotiate(fmt, None, GRAPH_FORMATS)
    store = open_store(settings)
    manifest = DumpCache(settings).current(store)
    record = build_catalog(settings, store, manifest, profile=profile)
    if not check:
        sys.stdout.buffer.write(record.serialize(format=chosen.rdflib, encoding="utf-8"))
        return
    report = check_record(record, settings, profile)
    click.echo(report.render())
    if not report.conforms:
        raise ValidationFailed(
            f"{len(report.violations)} violation(s) in the catalogue record", None
        )


@cli.command()
@click.option("--triples", type=click.IntRange(min=0), required=True, help="How many (at least).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="N-Triples file to write (.nt, or .nt.gz).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same bytes.")
@common_options
def synth(triples: int, out: Path, seed: int, settings: Settings) -> None:
    """Write synthetic data of the domain's shapes (valid against shapes/) for benchmarks."""
    from kgraph.build.synth import synth_file

    n = synth_file(out, triples=triples, base_iri=settings.server.base_iri, seed=seed)
    click.echo(f"wrote {n} triples to {out}", err=True)


def _print_table(result: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if result.kind == "ask":
        console.print("true" if result.boolean() else "false")
        return
    table = Table(*result.variables, show_lines=False)
    n = 0
    for row in result.rows():
        table.add_row(*[_term_text(row.get(v)) for v in result.variables])
        n += 1
    console.print(table)
    console.print(f"{n} row(s)", style="dim")


def _term_text(term: Any) -> str:
    if term is None:
        return ""
    lang = getattr(term, "language", None)
    return f"{term.value}@{lang}" if lang else str(term.value)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning kgraph errors into one line and an exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        cli.main(args=argv, prog_name="kgraph", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("kgraph: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except ValidationFailed as exc:
        if exc.report is not None and hasattr(exc.report, "render"):
            click.echo(exc.report.render(), err=True)
        click.echo(f"kgraph: error: {exc.message}", err=True)
        sys.exit(3)
    except ConfigError as exc:
        click.echo(f"kgraph: error: {exc}", err=True)
        sys.exit(2)
    except KgraphError as exc:
        click.echo(f"kgraph: error: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"kgraph: error: {exc}", err=True)
        sys.exit(1)
