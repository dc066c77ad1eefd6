"""The engine's shape, checked: stage packages in pipeline order, no import cycles, small modules.

Why a test: the layout is what makes a change cheap (docs/architecture.md, "The pipeline"). An
import from a lower stage into a higher one, a cycle (even through an import inside a
function) or a private name reached across packages is how a codebase drifts back into one
tangle; each of those fails here naming the modules and lines that cause it.

The import graph comes from `grimp` (the library behind import-linter): it sees imports
inside functions as well as at the top of a module. Imports under `if TYPE_CHECKING:` count
too: an annotation names a type, and a type one stage needs belongs in that stage or below
it, not above; an annotation-only import that closes a cycle still means two modules that
each need the other.
"""
from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"

# Highest first: a package may import only from itself and the packages below it.
LAYERS = ("api", "cli", "serve", "audit", "review", "prove", "verify", "explain", "batch", "decide", "columnar", "check",
          "run", "policy", "lang", "values", "core")
MAX_LINES = 400


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("engine", cache_dir=None)


def _lines(graph, importer: str, imported: str) -> str:
    return ",".join(str(d["line_number"]) for d in graph.get_import_details(importer=importer, imported=imported))


def test_engine_lists_the_pipeline():
    packages = {p.name for p in ENGINE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    loose = sorted(p.name for p in ENGINE.glob("*.py") if p.name != "__init__.py")
    assert packages == set(LAYERS)
    assert loose == [], f"modules outside a stage package: {loose}"


def test_no_import_from_a_lower_stage_into_a_higher_one(graph):
    rank = {name: i for i, name in enumerate(reversed(LAYERS))}
    upward = []
    for module in sorted(graph.modules):
        stage = module.split(".")[1] if "." in module else None
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            target = imported.split(".")[1] if "." in imported else None
            if stage in rank and target in rank and rank[target] > rank[stage]:
                upward.append(f"{module}:{_lines(graph, module, imported)} imports {imported} "
                              f"({stage} is below {target})")
    # grimp's own layer check as well: it also sees an upward route through a package's __init__.
    illegal = graph.find_illegal_dependencies_for_layers(layers=tuple(f"engine.{n}" for n in LAYERS))
    routes = [f"{dep.importer} -> {dep.imported}" for dep in illegal]
    assert not upward and not routes, "\n".join(upward + routes)


def _cycles(deps: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for root in sorted(deps):
        if root in index:
            continue
        work = [(root, iter(sorted(deps[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(deps[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_cycle_finder_finds_a_cycle():
    deps = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(deps) == [["a", "b", "c"]]


def test_no_import_cycle(graph):
    deps = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    found = []
    for group in _cycles(deps):
        edges = [f"  {m}:{_lines(graph, m, t)} imports {t}" for m in group for t in sorted(deps[m] & set(group))]
        found.append("import cycle among " + ", ".join(group) + "\n" + "\n".join(edges))
    assert not found, "\n".join(found)


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _private_crossings(path: Path, root: Path = ROOT) -> list[str]:
    """`from X import _name`, or `X._name` on a module imported from another stage package."""
    rel = path.relative_to(root).with_suffix("")
    module = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
    package = module if rel.name == "__init__" else module.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    foreign: dict[str, str] = {}            # a local name bound to something of another package
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package.split(".")
            base = base[: len(base) - node.level + 1]
            source = ".".join(base + ([node.module] if node.module else []))
        elif node.module and node.module.split(".")[0] == "engine":
            source = node.module
        else:
            continue
        for alias in node.names:
            if _package(source) == _package(module):
                continue
            private = alias.name.startswith("_") or any(p.startswith("_") and p != "__init__"
                                                        for p in source.split("."))
            if private:
                out.append(f"{module}:{node.lineno} imports {source}.{alias.name}")
            foreign[alias.asname or alias.name] = f"{source}.{alias.name}"
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in foreign
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            out.append(f"{module}:{node.lineno} reads {foreign[node.value.id]}.{node.attr}")
    return out


def test_no_private_name_imported_across_packages():
    crossings = [c for path in sorted(ENGINE.rglob("*.py")) for c in _private_crossings(path)]
    assert not crossings, "\n".join(crossings)


def test_private_name_check_sees_relative_and_absolute_imports(tmp_path):
    stage = tmp_path / "engine" / "review"
    stage.mkdir(parents=True)
    (stage / "graph.py").write_text("from ..cli.commands import _catalog\n"
                                    "from engine.cli import _helpers\n"
                                    "from .lock import _own_package_is_fine\n"
                                    "from ..policy import load_cache\n"
                                    "key = load_cache._key\n", encoding="utf-8")
    found = _private_crossings(stage / "graph.py", root=tmp_path)
    assert found == ["engine.review.graph:1 imports engine.cli.commands._catalog",
                     "engine.review.graph:2 imports engine.cli._helpers",
                     "engine.review.graph:5 reads engine.policy.load_cache._key"]


def test_no_module_over_the_limit():
    long = {str(p.relative_to(ROOT)): n for p in ENGINE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"
