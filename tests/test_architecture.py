"""The house's shape, read from the code: apps in layers, no import cycles, no private names
taken from another app.

    config (settings, web and API plumbing)
    jobs (the outbox: every app enqueues background work by task name)
    registry
    wiki, accounts
    monitoring (records and drift events; a drift opens a wiki page)
    lifecycle
    search
    integrations (other tools: OpenLineage, MLflow)
    notifications (told of what every app below does, through the outbox)

An app imports only apps on lower floors (and `config`'s plumbing); `config/urls.py`,
`config/wsgi.py` and `config/celery.py` are the composition root and see every app. Every
import counts, also one inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = {"config": 0, "jobs": 0.5, "registry": 1, "wiki": 2, "accounts": 2, "webhooks": 2,
          "monitoring": 2.5, "lifecycle": 3, "search": 4, "integrations": 5, "notifications": 5}
COMPOSITION_ROOT = {"config.urls", "config.wsgi", "config.celery"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_modules(root: Path) -> dict[str, Path]:
    """Every module of the apps under `root`, migrations left out (they name apps by label)."""
    modules = {}
    for app in FLOORS:
        for path in (root / app).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path, root)] = path
    return modules


def imports_of(path: Path, name: str, modules: dict[str, Path]) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every import statement of the module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from wiki import services` imports the module wiki.services
                candidate = f"{base}.{alias.name}"
                found.append((candidate, []) if candidate in modules else (base, [alias.name]))
    return found


def app_of(module: str) -> str:
    return module.split(".")[0]


def problems(root: Path) -> list[str]:
    modules = read_modules(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    found = []
    for name, path in modules.items():
        app = app_of(name)
        for target, names in imports_of(path, name, modules):
            other = app_of(target)
            if other not in FLOORS:
                continue  # the standard library and third-party packages
            if target in modules:
                graph[name].add(target)
            if other != app and name not in COMPOSITION_ROOT:
                if FLOORS[other] >= FLOORS[app]:
                    found.append(f"{name} imports {target}: {other} is not below {app}")
                for private in [n for n in names if n.startswith("_")]:
                    found.append(f"{name} takes the private name {private} from {target}")
    found += [f"import cycle: {' -> '.join(cycle)}" for cycle in cycles(graph)]
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of more than one module (Tarjan), as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_house_has_its_layers_no_cycles_and_no_borrowed_private_names():
    assert problems(ROOT) == []


# --- the checker itself catches each kind of problem ------------------------------------------
def _house(tmp_path: Path, files: dict[str, str]) -> Path:
    for app in FLOORS:
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_an_import_from_a_higher_layer_is_reported(tmp_path):
    root = _house(tmp_path, {"registry/services.py": "def f():\n    from lifecycle import gates\n",
                             "lifecycle/gates.py": ""})
    assert problems(root) == ["registry.services imports lifecycle.gates: lifecycle is not below registry"]


def test_apps_on_the_same_floor_do_not_import_each_other(tmp_path):
    root = _house(tmp_path, {"wiki/views.py": "import accounts.tokens\n", "accounts/tokens.py": ""})
    assert problems(root) == ["wiki.views imports accounts.tokens: accounts is not below wiki"]


def test_an_import_cycle_inside_an_app_is_reported(tmp_path):
    root = _house(tmp_path, {"wiki/a.py": "from wiki import b\n", "wiki/b.py": "from wiki.c import x\n",
                             "wiki/c.py": "def x():\n    from wiki.a import y\n"})
    assert problems(root) == ["import cycle: wiki.a -> wiki.b -> wiki.c"]


def test_a_private_name_from_another_app_is_reported(tmp_path):
    root = _house(tmp_path, {"wiki/services.py": "from registry.services import _save\n",
                             "registry/services.py": "def _save(): ...\n"})
    assert problems(root) == ["wiki.services takes the private name _save from registry.services"]


@pytest.mark.parametrize("module", sorted(COMPOSITION_ROOT))
def test_the_composition_root_may_see_every_app(tmp_path, module):
    path = module.replace(".", "/") + ".py"
    root = _house(tmp_path, {path: "from search import views\nfrom lifecycle import urls\n",
                             "search/views.py": "", "lifecycle/urls.py": ""})
    assert problems(root) == []
