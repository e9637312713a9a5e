"""The shape of the code, read from its imports with ast (module-level and function-level
imports alike; docs/architecture.md):

- only ``cstrain/server/app.py`` imports ``cstrain/server/routes/``; routes never import each
  other or the app;
- ``cstrain/server/`` never imports ``cstrain/site/``;
- no import cycle anywhere in ``cstrain/``.

Each rule is also run on a small made-up package that breaks it, so a checker that stopped
looking would fail here too.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "cstrain"
APP = "cstrain.server.app"
ROUTES = "cstrain.server.routes"


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module → the modules of the package it imports, anywhere in its body. ``from a import b``
    counts as importing ``a.b`` when that is a module, else ``a``."""
    modules: dict[str, Path] = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = here[:len(here) - node.level + 1]
                    base = ".".join(parent + ([base] if base else []))
                found.update(f"{base}.{alias.name}" for alias in node.names)
        graph[name] = {target for target in map(resolve, found) if target and target != name}
    return graph


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def layout_breaches(graph: dict[str, set[str]]) -> list[str]:
    breaches = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            if _inside(target, ROUTES) and module != APP:
                whom = "another route" if _inside(module, ROUTES) else "a route"
                breaches.append(f"{module} imports {whom}, {target}: only {APP} registers routes")
            if _inside(module, ROUTES) and target == APP:
                breaches.append(f"{module} imports {APP}: a route never imports the app")
            if _inside(module, "cstrain.server") and _inside(target, "cstrain.site"):
                breaches.append(f"{module} imports {target}: the server never imports the site")
    return breaches


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in graph.get(module, ()):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(groups)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(PACKAGE)


def test_only_the_app_imports_routes_and_the_server_never_imports_the_site(graph):
    assert layout_breaches(graph) == []


def test_no_import_cycle_in_cstrain(graph):
    assert import_cycles(graph) == []


def test_the_graph_sees_the_real_imports(graph):
    assert {f"{ROUTES}.{name}" for name in ("session", "learner", "exams", "mentor", "reports")} <= graph[APP]
    assert "cstrain.server.deps" in graph[f"{ROUTES}.mentor"]
    assert "cstrain.store.migrations" in graph["cstrain.store.engine"]  # imported inside a function


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "cstrain"


def test_the_checks_find_each_kind_of_breach(tmp_path):
    package = _write(tmp_path, {
        "cstrain/__init__.py": "",
        "cstrain/server/__init__.py": "",
        "cstrain/server/app.py": "from cstrain.server.routes import a, b\n",
        "cstrain/server/deps.py": "def later():\n    from cstrain.server.routes.a import router\n",
        "cstrain/server/routes/__init__.py": "",
        "cstrain/server/routes/a.py": "from . import b\n",
        "cstrain/server/routes/b.py": "def make():\n    import cstrain.server.app\n",
        "cstrain/server/views.py": "from ..site import markup\n",
        "cstrain/site/__init__.py": "",
        "cstrain/site/markup.py": "",
        "cstrain/tracking/__init__.py": "",
        "cstrain/tracking/p.py": "from cstrain.tracking import q\n",
        "cstrain/tracking/q.py": "def late():\n    from cstrain.tracking.p import thing\n",
    })
    graph = import_graph(package)
    assert layout_breaches(graph) == [
        "cstrain.server.deps imports a route, cstrain.server.routes.a: only cstrain.server.app registers routes",
        "cstrain.server.routes.a imports another route, cstrain.server.routes.b: only cstrain.server.app "
        "registers routes",
        "cstrain.server.routes.b imports cstrain.server.app: a route never imports the app",
        "cstrain.server.views imports cstrain.site.markup: the server never imports the site",
    ]
    assert import_cycles(graph) == [
        ["cstrain.server.app", "cstrain.server.routes.a", "cstrain.server.routes.b"],
        ["cstrain.tracking.p", "cstrain.tracking.q"],
    ]
