"""Data dumps: the published data as files, one consistent snapshot per store version.

A dump set is a folder holding the default graph (the union of all graphs) as
gzipped N-Triples, Turtle, JSON-LD and RDF/XML, the whole dataset with its named
graphs as TriG and gzipped N-Quads when named graphs exist, the main tables as
CSV (:mod:`kgraph.opendata.tables`), a ``void.ttl`` describing it, and
``manifest.json`` recording the store version the files come from with the size
and SHA-256 of each file.

Files are written into a temporary folder beside the target and renamed into
place, so a reader never sees half a dump set. The store's ``info().version``
is read before and after writing; if it changed, the files are thrown away and
written again, so every file of a set comes from the same version.

The server keeps dump sets under ``settings.paths.dumps_path/<store version>/``
(:class:`DumpCache`): a request finds the set of the version being served, or
writes it first (under a lock), and prunes older sets.

``.gz`` files are served as what they are (``application/gzip``, no
``Content-Encoding``), so a download saves the compressed file unchanged.

>>> [n for n, _, _ in planned_files("kvinnofrid", named_graphs=False)]
['kvinnofrid.nt.gz', 'kvinnofrid.ttl', 'kvinnofrid.jsonld', 'kvinnofrid.rdf']
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import gzip
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, cast

from kgraph.errors import ServerBusy, StoreError, StoreUnavailable
from kgraph.formats import (
    GZIP,
    JSONLD,
    NQUADS,
    NTRIPLES,
    RDF_FORMATS,
    RDFXML,
    SPARQL_CSV,
    TRIG,
    TURTLE,
    Format,
    by_name,
)
from kgraph.opendata.tables import TABLES, write_csv
from kgraph.opendata.void import compute_void
from kgraph.settings import Settings
from kgraph.store.base import GraphStore

MANIFEST = "manifest.json"
VOID_FILE = "void.ttl"
log = logging.getLogger(__name__)
KEEP_SETS = 2  # the current set and the one before it (downloads in progress)
ATTEMPTS = 3  # times to retry a set when the store changes while it is written

# (suffix, format, gzip?, whole dataset?) in the order the index lists them
_SPECS: tuple[tuple[str, Format, bool, bool], ...] = (
    ("nt.gz", NTRIPLES, True, False),
    ("ttl", TURTLE, False, False),
    ("jsonld", JSONLD, False, False),
    ("rdf", RDFXML, False, False),
    ("trig", TRIG, False, True),
    ("nq.gz", NQUADS, True, True),
)


@dataclass(frozen=True)
class DumpFile:
    """One file of a dump set, as recorded in the manifest."""

    name: str
    format: str  # Format.name: ntriples, turtle, jsonld, rdfxml, nquads
    media_type: str  # of the RDF inside (before compression)
    compressed: bool  # gzip
    bytes: int
    sha256: str
    sha1: str  # for DCAT-AP 2 records, whose shapes allow only SHA-1
    statements: int  # triples (default graph) or quads (whole dataset)
    dataset: bool = False  # True: all graphs (N-Quads); False: the default graph

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` it is served with."""
        if self.compressed:
            return GZIP.media_type
        return by_name(self.format, (*RDF_FORMATS, SPARQL_CSV)).content_type


@dataclass(frozen=True)
class Manifest:
    """What a dump set holds and which store version it was written from."""

    version: str
    modified: str  # the store version's timestamp
    generated: str  # when the files were written
    triples: int  # in the default graph
    quads: int  # in all graphs
    named_graphs: bool
    files: tuple[DumpFile, ...]
    void: DumpFile
    directory: Path
    tables: tuple[DumpFile, ...] = ()  # the main tables as CSV (kgraph.opendata.tables)

    def find(self, name: str) -> DumpFile | None:
        """The file called ``name`` (a dump, a table or ``void.ttl``), or ``None``."""
        for f in (*self.files, *self.tables, self.void):
            if f.name == name:
                return f
        return None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("directory")
        return data

    @classmethod
    def load(cls, directory: Path) -> Manifest:
        """Read ``directory/manifest.json``. Raises OSError, ValueError, KeyError."""
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        files = tuple(DumpFile(**f) for f in data.pop("files"))
        tables = tuple(DumpFile(**f) for f in data.pop("tables", ()))
        void = DumpFile(**data.pop("void"))
        return cls(files=files, void=void, directory=directory, tables=tables, **data)


def planned_files(dataset_id: str, *, named_graphs: bool) -> list[tuple[str, Format, bool]]:
    """The dump file names (with format and gzip flag) a set holds."""
    return [
        (f"{dataset_id}.{suffix}", fmt, gz)
        for suffix, fmt, gz, whole in _SPECS
        if named_graphs or not whole
    ]


def table_file_name(dataset_id: str, table: str) -> str:
    """``kvinnofrid-publications.csv``."""
    return f"{dataset_id}-{table}.csv"


def has_named_graphs(store: GraphStore) -> bool:
    """True if any named graph holds a triple."""
    return store.ask("ASK { GRAPH ?g { ?s ?p ?o } }")


def default_graph_triples(store: GraphStore) -> int:
    rows = store.select("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    return int(rows[0]["n"].value)


def _digests(path: Path) -> tuple[str, str]:
    """SHA-256 and SHA-1 of a file, hex."""
    sha256, sha1 = hashlib.sha256(), hashlib.sha1(usedforsecurity=False)
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            sha256.update(chunk)
            sha1.update(chunk)
    return sha256.hexdigest(), sha1.hexdigest()


def _write_one(store: GraphStore, fmt: Format, gz: bool, path: Path) -> None:
    with path.open("wb") as raw:
        if gz:
            # mtime=0 and no file name: the same data gives the same bytes (and checksum)
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped:
                store.dump(fmt, cast(IO[bytes], zipped))
        else:
            out: IO[bytes] = raw
            store.dump(fmt, out)


def _record(path: Path, fmt: Format, gz: bool, statements: int, dataset: bool) -> DumpFile:
    sha256, sha1 = _digests(path)
    return DumpFile(
        name=path.name,
        format=fmt.name,
        media_type=fmt.media_type,
        compressed=gz,
        bytes=path.stat().st_size,
        sha256=sha256,
        sha1=sha1,
        statements=statements,
        dataset=dataset,
    )


def _write_set(store: GraphStore, settings: Settings, folder: Path) -> Manifest | None:
    """Write one dump set into the empty ``folder``; ``None`` if the store changed meanwhile."""
    before = store.info()
    named = has_named_graphs(store)
    triples = default_graph_triples(store)
    files = []
    for name, fmt, gz in planned_files(settings.catalogue.dataset_id, named_graphs=named):
        path = folder / name
        _write_one(store, fmt, gz, path)
        statements = before.triples if fmt.dataset else triples
        files.append(_record(path, fmt, gz, statements, fmt.dataset))
    tables = []
    for table in TABLES:
        path = folder / table_file_name(settings.catalogue.dataset_id, table.name)
        body, rows = write_csv(store, table)
        path.write_bytes(body)
        tables.append(_record(path, SPARQL_CSV, False, rows, False))
    void_graph = compute_void(
        store, settings, dump_names=[f.name for f in files], modified=before.modified
    )
    void_path = folder / VOID_FILE
    void_graph.serialize(destination=void_path, format="turtle", encoding="utf-8")
    void = _record(void_path, TURTLE, False, len(void_graph), False)
    if store.info().version != before.version:
        return None
    manifest = Manifest(
        version=before.version,
        modified=before.modified,
        generated=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        triples=triples,
        quads=before.triples,
        named_graphs=named,
        files=tuple(files),
        void=void,
        directory=folder,
        tables=tuple(tables),
    )
    (folder / MANIFEST).write_text(json.dumps(manifest.to_json(), indent=1), encoding="utf-8")
    return manifest


def _write_consistent(store: GraphStore, settings: Settings, parent: Path) -> tuple[Manifest, Path]:
    """Write a set into a new temporary folder under ``parent``; retry if the store changes."""
    parent.mkdir(parents=True, exist_ok=True)
    for _ in range(ATTEMPTS):
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=parent))
        tmp.chmod(0o755)  # mkdtemp makes it private; dumps are public
        try:
            manifest = _write_set(store, settings, tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if manifest is not None:
            return manifest, tmp
        shutil.rmtree(tmp, ignore_errors=True)
    raise StoreError(f"the store changed {ATTEMPTS} times while its dumps were being written")


def write_dumps(store: GraphStore, settings: Settings, out: Path) -> Manifest:
    """Write a dump set of the store's current version into the folder ``out``.

    ``out`` must not exist, be empty, or hold an earlier dump set (which is
    replaced). Raises :class:`~kgraph.errors.StoreError`, OSError.
    """
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not (out / MANIFEST).exists():
        raise StoreError(f"{out}: folder is not empty and holds no dump set; not overwriting")
    _, tmp = _write_consistent(store, settings, out.absolute().parent)
    old = None
    if out.exists():
        old = out.with_name(f".old-{out.name}-{os.getpid()}")
        out.replace(old)
    tmp.replace(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return Manifest.load(out)


class DumpCache:
    """The dump set of the version being served, written on first request after a change.

    One instance per app. Sets live under ``settings.paths.dumps_path/<version>/``; a
    thread lock and a file lock make sure one writer per folder, also across
    worker processes.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.paths.dumps_path
        self._lock = threading.Lock()
        self._manifests: dict[str, Manifest] = {}

    def _cached(self, version: str) -> Manifest | None:
        found = self._manifests.get(version)
        if found is not None and found.directory.is_dir():
            return found
        folder = self.root / version
        try:
            manifest = Manifest.load(folder)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"{folder / MANIFEST}: unreadable dump manifest: {exc}") from exc
        self._manifests = {version: manifest}
        return manifest

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            yield

    def current(self, store: GraphStore) -> Manifest:
        """The dump set of ``store``'s current version; writes it if missing.

        Raises StoreUnavailable when another request has been writing it for
        longer than ``settings.limits.dump_wait_s``; StoreError if writing fails.
        """
        found = self._cached(store.info().version)
        if found is not None:
            return found
        if not self._lock.acquire(timeout=self.settings.limits.dump_wait_s):
            raise StoreUnavailable("the dumps are being written; try again shortly")
        try:
            with self._file_lock():
                found = self._cached(store.info().version)
                if found is not None:
                    return found
                try:
                    manifest, tmp = _write_consistent(store, self.settings, self.root)
                except OSError as exc:  # a full disk, a read-only folder
                    return self._previous_or_busy(exc)
                final = self.root / manifest.version
                if final.exists():  # written by someone who did not take the lock
                    shutil.rmtree(tmp, ignore_errors=True)
                else:
                    tmp.replace(final)
                self._prune(keep=manifest.version)
                found = self._cached(manifest.version)
                assert found is not None
                return found
        finally:
            self._lock.release()

    def _previous_or_busy(self, exc: OSError) -> Manifest:
        """After a failed write: the newest set written before, or 503 with Retry-After."""
        log.error("writing the dump set under %s failed: %s", self.root, exc)
        for junk in self.root.glob(".tmp-*"):
            shutil.rmtree(junk, ignore_errors=True)
        sets = sorted(
            (p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
        )
        for folder in reversed(sets):
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                return Manifest.load(folder)
        raise ServerBusy(
            f"the dump files cannot be written now ({exc.strerror or exc}); try again later", 60
        )

    def _prune(self, keep: str) -> None:
        """Remove all but the newest sets, and temporary folders (we hold the lock)."""
        sets = sorted(
            (p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
        )
        for old in sets[:-KEEP_SETS]:
            if old.name != keep:
                shutil.rmtree(old, ignore_errors=True)
        for junk in self.root.glob(".tmp-*"):
            shutil.rmtree(junk, ignore_errors=True)
