"""The embedded store: pyoxigraph (RocksDB) on disk, with atomic versions.

Layout of the store directory::

    <root>/current          symlink to versions/<id>: what is served
    <root>/versions/<id>/   one complete RocksDB store per build or publish
    <root>/versions/<id>.json   its metadata (triple count, time, files)
    <root>/.lock            held while a new version is written

A new version is written beside the served one and made current by replacing
the symlink with ``os.replace`` (atomic on POSIX), so readers never see half a
build, and a build killed at any point leaves the previous version current.
Readers open versions read-only and follow the symlink on every request.

Named graphs: the default graph is the union of all graphs, materialised at
every load and update (:mod:`kgraph.store.union`), so a query without ``GRAPH``
or a dataset sees every statement once, and ``FROM``, ``FROM NAMED``,
``default-graph-uri`` and ``named-graph-uri`` choose graphs as SPARQL defines.
``info().triples`` counts what the dataset holds (named-graph quads and
default-graph triples outside them), not the derived copy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import itertools
import json
import logging
import os
import shutil
import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from kgraph.errors import (
    QuerySyntaxError,
    StoreError,
    StoreUnavailable,
)
from kgraph.formats import Format
from kgraph.store.base import GraphStore, Progress, QueryResult, StoreInfo
from kgraph.store.engine import OxiResult
from kgraph.store.files import load_file
from kgraph.store.union import add_union, dataset_quads, has_named_graphs, rederive_union
from kgraph.store.union import statements as count_statements

log = logging.getLogger(__name__)
KEEP_VERSIONS = 2  # the current one and the one before it


def _syntax_error(exc: SyntaxError) -> QuerySyntaxError:
    return QuerySyntaxError(f"SPARQL syntax error: {exc.msg if exc.msg else exc}")


class EmbeddedStore(GraphStore):
    """pyoxigraph on disk, served read-only, replaced by whole versions.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp()) / "store"
    >>> ttl = root.parent / "a.ttl"; _ = ttl.write_text('<a> <b> "c" .')
    >>> s = EmbeddedStore(root, writable=True)
    >>> s.replace([ttl], base_iri="http://example.org/").triples
    1
    >>> s.select("SELECT ?o { ?s ?p ?o }")[0]["o"].value
    'c'
    """

    def __init__(self, root: Path, *, writable: bool = False) -> None:
        self.root = Path(root)
        self.writable = writable
        self._lock = threading.Lock()
        self._version: str | None = None
        self._store: ox.Store | None = None
        self._meta: dict[str, Any] = {}
        self._root_fd: int | None = None  # version_now reads the link relative to it
        self._degrees: dict[tuple[str, str, str], int] = {}  # the inline lane's counts
        self._largest: dict[str, int] = {}  # version -> the most triples a subject has
        self._counting: set[str] = set()
        if not writable:
            self._snapshot()  # fail now, clearly, if there is nothing to serve

    # -- reading -----------------------------------------------------------

    @property
    def _current(self) -> Path:
        return self.root / "current"

    def _snapshot(self) -> tuple[str, ox.Store]:
        """The served version, reopened if a build or publish has replaced it."""
        try:
            target = self._read_link()
        except FileNotFoundError:
            raise StoreUnavailable(
                f"no data in store {self.root}: run `kgraph build` first"
            ) from None
        except OSError as exc:
            raise StoreUnavailable(f"store {self.root} is unreadable: {exc}") from exc
        version = Path(target).name
        store = self._store
        if version == self._version and store is not None:
            return version, store
        with self._lock:
            if version != self._version or self._store is None:
                path = self.root / "versions" / version
                try:
                    self._store = ox.Store.read_only(str(path))
                    meta = path.with_suffix(".json")
                    self._meta = json.loads(meta.read_text()) if meta.exists() else {}
                except (OSError, ValueError, RuntimeError) as exc:  # RocksDB: RuntimeError
                    raise StoreUnavailable(
                        f"store {self.root}: version {version} cannot be opened "
                        f"(corrupt or incomplete?): {exc}"
                    ) from exc
                self._version = version
            assert self._store is not None
            return version, self._store

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        _, store = self._snapshot()
        kwargs: dict[str, Any] = {}
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            return OxiResult(store.query(sparql, base_iri=base_iri, **kwargs))
        except SyntaxError as exc:
            raise _syntax_error(exc) from exc
        except ValueError as exc:  # e.g. an invalid IRI among the graph names
            raise QuerySyntaxError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(f"store read failed: {exc}") from exc

    def degree(self, position: str, iri: str, cap: int) -> int:
        """How many quads have ``iri`` as subject (``position`` "s") or object ("o"),
        counting at most ``cap + 1``; remembered per version (exact counts only).
        Raises StoreUnavailable."""
        version, store = self._snapshot()
        if position == "S":
            largest = self._largest_subject(version)
            return largest if largest is not None and largest <= cap else cap + 1
        key = (version, position, iri)
        known = self._degrees.get(key)
        if known is not None:
            return known if known <= cap else cap + 1
        node = ox.NamedNode(iri)
        quads = (
            store.quads_for_pattern(node, None, None, None)
            if position == "s"
            else store.quads_for_pattern(None, None, node, None)
        )
        found = sum(1 for _ in itertools.islice(quads, cap + 1))
        if found <= cap:  # exact
            if len(self._degrees) > 100_000 or next(iter(self._degrees), key)[0] != version:
                self._degrees.clear()
            self._degrees[key] = found
        return found

    def _largest_subject(self, version: str) -> int | None:
        """The most triples any subject has in ``version``; None until known (it is counted
        once per version, on a thread of its own, so no caller waits for it)."""
        known = self._largest.get(version)
        if known is not None or version in self._counting:
            return known
        self._counting.add(version)

        def count() -> None:
            try:
                rows = self.select(
                    "SELECT (MAX(?n) AS ?m) WHERE { SELECT (COUNT(*) AS ?n) "
                    "WHERE { ?s ?p ?o } GROUP BY ?s }"
                )
                self._largest = {version: int(rows[0]["m"].value) if rows and "m" in rows[0] else 0}
            except (StoreError, ValueError):
                log.warning("the largest subject of version %s could not be counted", version)

        threading.Thread(target=count, name="kgraph-largest-subject", daemon=True).start()
        return None

    def version_now(self) -> str | None:
        try:
            return self._read_link().rpartition("/")[2]
        except OSError:
            return None

    def _read_link(self) -> str:
        """The ``current`` link, read relative to the store's folder (no path walk per
        query); if that fails, once more through a freshly opened folder, in case the
        folder itself was replaced (``rm -r`` and a new build). Raises OSError."""
        fd = self._root_fd
        if fd is not None:
            try:
                return os.readlink("current", dir_fd=fd)
            except OSError:
                # not closed: another thread may be reading through it now (a closed
                # number can be reused); one descriptor per replaced folder is kept
                self._root_fd = None
        fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            target = os.readlink("current", dir_fd=fd)
        except OSError:
            os.close(fd)
            raise
        self._root_fd = fd
        return target

    def info(self) -> StoreInfo:
        version, store = self._snapshot()
        triples = self._meta.get("triples")
        if triples is None:
            triples = len(store)
        return StoreInfo(
            version=version,
            triples=int(triples),
            modified=str(self._meta.get("modified", "")),
            backend="embedded",
            location=str(self.root),
            extra={"files": self._meta.get("files", [])},
        )

    def dump(self, fmt: Format, out: IO[bytes]) -> None:
        """The union (the default graph) in a graph format; the named graphs and the
        triples outside them in a dataset format."""
        _, store = self._snapshot()
        rdf_format = ox.RdfFormat.from_media_type(fmt.media_type)
        if rdf_format is None:
            raise StoreError(f"cannot dump as {fmt.media_type}")
        if fmt.dataset:
            ox.serialize(dataset_quads(store), out, rdf_format)
        else:
            store.dump(out, format=rdf_format, from_graph=ox.DefaultGraph())

    # -- writing -----------------------------------------------------------

    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"store {self.root} is being written by another process") from None
            yield

    def _new_version_dir(self) -> tuple[str, Path]:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")  # sorts by time
        version = f"{stamp}-{uuid.uuid4().hex[:8]}"
        versions = self.root / "versions"
        versions.mkdir(parents=True, exist_ok=True)
        return version, versions / f".tmp-{version}"

    def _commit(self, version: str, tmp: Path, triples: int, files: list[str]) -> StoreInfo:
        """Make ``tmp`` the served version: metadata, rename, symlink swap, prune."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        final = tmp.parent / version
        meta = {"version": version, "triples": triples, "modified": now, "files": files}
        meta_tmp = tmp.parent / f".tmp-{version}.json"
        meta_tmp.write_text(json.dumps(meta, indent=1))
        os.replace(tmp, final)
        os.replace(meta_tmp, final.with_suffix(".json"))
        link_tmp = self.root / f".current-{version}"
        os.symlink(Path("versions") / version, link_tmp)
        os.replace(link_tmp, self._current)  # the atomic step
        dir_fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._prune(version)
        return StoreInfo(version, triples, now, "embedded", str(self.root), {"files": files})

    def _prune(self, keep: str) -> None:
        versions = self.root / "versions"
        done = sorted(
            (p for p in versions.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.name,
        )
        for old in done[:-KEEP_VERSIONS]:
            if old.name != keep:
                shutil.rmtree(old, ignore_errors=True)
                old.with_suffix(".json").unlink(missing_ok=True)
        for junk in versions.glob(".tmp-*"):  # left by a killed build
            if junk.is_dir():
                shutil.rmtree(junk, ignore_errors=True)
            else:
                junk.unlink(missing_ok=True)

    def replace(
        self, files: Sequence[Path], *, base_iri: str, progress: Progress | None = None
    ) -> StoreInfo:
        with self._write_lock():
            version, tmp = self._new_version_dir()
            try:
                store = ox.Store(str(tmp))
                total = sum(f.stat().st_size for f in files)
                done = 0
                for path in files:
                    load_file(store, path, base_iri)
                    done += path.stat().st_size
                    if progress:
                        progress(done, total)
                triples = len(store)
                if has_named_graphs(store):
                    add_union(store)
                store.flush()
                del store
                return self._commit(version, tmp, triples, [str(f) for f in files])
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise

    def update(self, sparql_update: str) -> StoreInfo:
        """Apply the update to a copy of the served version, derive the union again, and
        serve the copy. Raises QuerySyntaxError, StoreError."""
        with self._write_lock():
            _, current = self._snapshot()
            version, tmp = self._new_version_dir()
            try:
                current.backup(str(tmp))
                store = ox.Store(str(tmp))
                try:
                    store.update(sparql_update)
                except SyntaxError as exc:
                    raise _syntax_error(exc) from exc
                rederive_union(store, current)
                store.flush()
                triples = count_statements(store)
                del store
                return self._commit(version, tmp, triples, self._meta.get("files", []))
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise

    def close(self) -> None:
        with self._lock:
            if self._root_fd is not None:
                os.close(self._root_fd)
                self._root_fd = None
            self._store = None
            self._version = None
