"""The layout holds: every module imports, no import cycle between files (function-local
imports included), and data flows one way (features -> models -> serving; the simulator
and training beside them)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.code

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("features", "models", "serving", "training", "simulator", "mutasi", "bench")

# package -> first-party packages it must never import (directly or behind a function)
FORBIDDEN = {
    "features": {"models", "serving", "training", "simulator", "mutasi", "bench"},
    "models": {"serving", "training", "simulator", "mutasi", "bench"},
    "serving": {"training", "simulator", "mutasi", "bench"},
    "training": {"serving", "simulator", "mutasi", "bench"},
    "simulator": {"models", "serving", "training", "mutasi", "bench"},
}


GENERATED = ("bench/out/",)


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the project's packages."""
    out = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if path.relative_to(root).as_posix().startswith(GENERATED):
                continue                    # benchmark output (git-ignored): copies of logged model code
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imported_modules(path: Path, module: str, known: dict[str, Path]) -> set[str]:
    """Project modules a file imports anywhere in it (top level, functions, branches)."""
    found = set()
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node, module, path.name == "__init__.py")
            names = [f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target
                     for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in known:       # `import a.b.c` where only a.b is ours
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    known = module_files(root)
    return {module: imported_modules(path, module, known) for module, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_cycle_finder_on_known_graphs(tmp_path):
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    pkg = tmp_path / "features"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "io.py").write_text("from features.problems import Problem\n")
    (pkg / "problems.py").write_text("def f():\n    from features import io\n")
    graph = {m: deps for m, deps in import_graph(tmp_path).items() if m.startswith("features")}
    assert cycles(graph) == [["features.io", "features.problems"]]       # a function-local import counts


def test_no_import_cycle_between_files():
    assert cycles(import_graph()) == []


def test_data_flows_one_way():
    wrong = []
    for module, deps in import_graph().items():
        package = module.split(".")[0]
        for dep in deps:
            if dep.split(".")[0] in FORBIDDEN.get(package, set()):
                wrong.append(f"{module} imports {dep}")
    assert wrong == []


def test_every_module_imports():
    """Each module imports in a fresh interpreter (one per package, modules in order)."""
    modules = sorted(m for m in module_files() if not m.startswith("mutasi.__main__"))
    script = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    for package in PACKAGES:
        names = [m for m in modules if m.split(".")[0] == package]
        result = subprocess.run([sys.executable, "-c", script, *names], cwd=ROOT, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]


PURE_TRAINING = ("training.pipeline", "training.results", "training.registry", "training.card")


def test_pure_training_modules_do_not_import_mlflow():
    """MLflow (over a second to import) stays at the edge: importing the pure parts of
    training, or the whole ranking path, does not load it."""
    code = (f"import sys\nimport {', '.join(PURE_TRAINING)}, serving.ranking, serving.batch\n"
            "print(sorted(m for m in sys.modules if m == 'mlflow' or m.startswith('mlflow.')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
