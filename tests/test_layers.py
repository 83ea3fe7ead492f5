"""The package's imports point one way: no module imports, even inside a function, a module
that imports it back (type-only imports aside)."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "acutrack"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports at run time, wherever the import is."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(tree):
        if id(node) in type_only or not isinstance(node, ast.ImportFrom | ast.Import):
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = package[: len(package) - node.level + 1] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            targets = [source, *(f"{source}.{alias.name}" for alias in node.names)]
        # A package's own parts are not an import of it back.
        found |= {t for t in targets if t in modules and t != name and not t.startswith(name + ".")}
    return found


def test_no_import_cycle_anywhere():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert "acutrack.plan" in graph["acutrack.journal"]  # the reader sees inner imports
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as err:
        raise AssertionError(f"an import cycle: {' -> '.join(err.args[1])}") from None


# Storage: the journal folder, its files, fields, records and readers.
STORAGE = {
    "answers",
    "catalog",
    "conflicts",
    "csvstore",
    "errors",
    "fields",
    "frames",
    "journal",
    "loading",
    "localtime",
    "records",
    "tables",
    "timecells",
    "timetext",
    "words",  # counts in words: imports nothing
}
# Deprecated aliases, kept one release, that forward from storage to a rule's new home.
ALIASES = {
    ("acutrack.journal", "acutrack.plan"): "Journal.log_session(slot=...)",
    ("acutrack.journal.ledger", "acutrack.importing"): "Journal.import_file(...)",
}


def test_storage_imports_no_rule_above_it():
    modules = _modules()
    storage = {n for n in modules if n.count(".") and n.split(".")[1] in STORAGE}
    up = {
        (name, target)
        for name in storage
        for target in _imports(name, modules[name], modules)
        if target not in storage and target != "acutrack"  # `from .. import answers`
    }
    assert up == set(ALIASES), f"storage imports from above it: {sorted(up - set(ALIASES))}"
