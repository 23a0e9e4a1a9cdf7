"""The packages are the architecture: imports point only down the layers.

The order (bottom first) is the one in docs/architecture.md. A module may import
kgraph modules of a lower layer, or of its own package; never a higher layer or
a sibling at the same rank. Checked over the AST, so that it cannot rot.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "kgraph"

# Bottom first. The ground modules are layers of their own, in this order.
LAYERS: list[str] = [
    "kgraph.errors",
    "kgraph.settings",
    "kgraph.formats",
    "kgraph.negotiation",
    "kgraph.terms",
    "kgraph.store",
    "kgraph.query",
    "kgraph.shacl",
    "kgraph.build",
    "kgraph.opendata",
    "kgraph.linkeddata",
    "kgraph.web",
    "kgraph.cli",
    "kgraph.__main__",
]
TOP_LEVEL_ALLOWED = 8  # modules directly under src/kgraph/
MAX_MODULE_LINES = 450


def layer_of(module: str) -> int:
    """The rank of ``module`` (``kgraph`` itself, the version, is rank 0)."""
    if module == "kgraph":
        return 0
    for rank, prefix in enumerate(LAYERS):
        if module == prefix or module.startswith(prefix + "."):
            return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def module_name(path: Path, root: Path = SRC) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def kgraph_imports(path: Path, root: Path = SRC) -> list[tuple[int, str]]:
    """(line, module) of every kgraph import in ``path``, function-level ones included."""
    tree = ast.parse(path.read_text(), str(path))
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("kgraph")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            if base == "kgraph":  # `from kgraph import x`: x is a module or the version
                found += [
                    (node.lineno, f"kgraph.{a.name}" if a.name != "__version__" else "kgraph")
                    for a in node.names
                ]
            elif base.startswith("kgraph"):
                found.append((node.lineno, base))
    return found


def violations(root: Path = SRC) -> list[str]:
    """Every import that points up or sideways, as ``file:line: a -> b``."""
    out = []
    for path in sorted(root.rglob("*.py")):
        here = module_name(path, root)
        rank = layer_of(here)
        for line, target in kgraph_imports(path, root):
            there = layer_of(target)
            same_package = LAYERS[rank] == LAYERS[there] if rank else True
            if there > rank or (there == rank and not same_package):
                out.append(f"{path.relative_to(root.parent)}:{line}: {here} -> {target}")
    return out


def test_imports_point_only_down() -> None:
    assert violations() == []


def test_the_check_catches_an_upward_import(tmp_path: Path) -> None:
    """A store module importing the web layer is caught (the test can fail)."""
    fake = tmp_path / "kgraph"
    (fake / "store").mkdir(parents=True)
    (fake / "store" / "bad.py").write_text("from kgraph.web.app import create_app\n")
    (fake / "formats.py").write_text("from kgraph.query import protocol\n")
    (fake / "web").mkdir()
    (fake / "web" / "ok.py").write_text("from kgraph.store import base\nfrom . import other\n")
    found = violations(fake)
    assert [v.split(": ", 1)[1] for v in found] == [
        "kgraph.formats -> kgraph.query",
        "kgraph.store.bad -> kgraph.web.app",
    ]


@pytest.mark.parametrize(
    ("module", "rank"),
    [
        ("kgraph", 0),
        ("kgraph.errors", 0),
        ("kgraph.store.embedded", 5),
        ("kgraph.web.routes.pages", 11),
    ],
)
def test_layer_of(module: str, rank: int) -> None:
    assert layer_of(module) == rank


def test_few_modules_at_the_top_and_none_too_long() -> None:
    top = sorted(p.name for p in SRC.glob("*.py"))
    assert len(top) <= TOP_LEVEL_ALLOWED, top
    long = {
        str(p.relative_to(SRC)): n
        for p in SRC.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


MEDIA_TYPE = re.compile(r"\b(application|text|image|audio|video|font|multipart)/[\w.+-]+")


def docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes of a module, its classes and its functions."""
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, kinds) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def spelled_media_types(root: Path = SRC) -> list[str]:
    """Every media type written in a string of code (docstrings and their examples aside)
    outside ``formats.py``, as ``file:line: type``."""
    out = []
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root) == Path("formats.py"):
            continue
        tree = ast.parse(path.read_text(), str(path))
        skip = docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found = MEDIA_TYPE.search(node.value)
                if found and id(node) not in skip:
                    out.append(f"{path.relative_to(root)}:{node.lineno}: {found.group(0)}")
    return out


def test_media_types_are_spelled_in_the_formats_table_only(tmp_path: Path) -> None:
    assert spelled_media_types() == []
    (tmp_path / "formats.py").write_text('TURTLE = "text/turtle"\n')
    (tmp_path / "route.py").write_text(
        '"""Answers `text/csv`."""\n\ndef f():\n    """>>> f()"""\n    return "text/csv; x"\n'
    )
    assert spelled_media_types(tmp_path) == ["route.py:5: text/csv"]


def test_templates_take_media_types_from_the_table() -> None:
    """The templates name formats through ``formats_table``; one script (the editor's,
    which sends its own requests) is the one other file that spells them."""
    web = SRC / "web"
    spelled = sorted(
        str(p.relative_to(web))
        for p in [*web.glob("templates/*.html"), *web.glob("static/*.js")]
        if MEDIA_TYPE.search(p.read_text())
    )
    assert spelled == ["static/sparql-editor.js"]
