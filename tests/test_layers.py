"""The layering contract: runtime imports only point down the stack.

Layers, bottom first: the shared values (``core``, exceptions, settings, log), the retry
policy and usage limits (``resilience``), telemetry settings and attribute helpers,
transports, tools, the pipeline, the middleware stages, and the public surface (client,
events facade, testing kit) with the integrations built on it (MCP, durable runs).
Imports inside ``if TYPE_CHECKING:`` only name types for annotations and are allowed in any
direction.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import llm_factory_toolkit

PACKAGE = "llm_factory_toolkit"
ROOT = Path(llm_factory_toolkit.__file__).parent
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"_version", "core", "exceptions", "log", "settings"}),
    frozenset({"resilience"}),
    frozenset({"telemetry"}),
    frozenset({"transports"}),
    frozenset({"tools"}),
    frozenset({"pipeline"}),
    frozenset({"middleware"}),
    frozenset({"", "client", "client_request", "durable", "events", "mcp", "testing"}),
)


def _rank(module: str) -> int:
    part = module.split(".")[1] if module.count(".") else ""
    for rank, members in enumerate(LAYERS):
        if part in members:
            return rank
    raise AssertionError(f"{module}: place '{part}' in a layer of tests/test_layers.py")


def _module_name(path: Path, root: Path) -> str:
    parts = (PACKAGE, *path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.stmt) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return isinstance(test, ast.Name | ast.Attribute) and ast.unparse(test).endswith(
        "TYPE_CHECKING"
    )


def _runtime_nodes(nodes: list[ast.stmt]) -> Iterator[ast.AST]:
    for node in nodes:
        if _is_type_checking(node):
            continue
        yield node
        for field in ("body", "orelse", "handlers", "finalbody"):
            yield from _runtime_nodes(getattr(node, field, None) or [])


def _imports(path: Path, root: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute target) of every runtime import in ``path``."""
    package = _module_name(path, root)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    for node in _runtime_nodes(ast.parse(path.read_text()).body):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            module = [node.module] if node.module else []
            target = ".".join([*base, *module] if node.level else module)
            if target == PACKAGE:  # ``from .. import module``: the module's own layer counts
                names = (alias.name for alias in node.names)
                yield from ((node.lineno, _submodule(root, name)) for name in names)
            else:
                yield node.lineno, target
        elif isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)


def _submodule(root: Path, name: str) -> str:
    found = (root / name).is_dir() or (root / f"{name}.py").is_file()
    return f"{PACKAGE}.{name}" if found else PACKAGE


def _violations(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        source = _module_name(path, root)
        for line, target in _imports(path, root):
            if target.split(".")[0] == PACKAGE and _rank(target) > _rank(source):
                found.append(f"{path.relative_to(root)}:{line} imports {target}")
    return found


def test_runtime_imports_only_point_down_the_layers() -> None:
    assert _violations(ROOT) == []


def test_an_upward_runtime_import_is_a_violation(tmp_path: Path) -> None:
    (tmp_path / "transports").mkdir()
    (tmp_path / "transports" / "bad.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from ..core.calls import ModelCall\n"
        "if TYPE_CHECKING:\n    from ..middleware import HooksMiddleware\n"
        "def late():\n    from ..pipeline.loop import finish\n"
    )
    assert _violations(tmp_path) == [
        f"{Path('transports', 'bad.py')}:6 imports {PACKAGE}.pipeline.loop"
    ]
