"""STYLE §3.5: the API never imports the web package, and the web never imports the API."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"


def _imports(package: str) -> list[tuple[str, str]]:
    found = []
    for path in sorted((PORTAL / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [(str(path.relative_to(PORTAL)), name) for name in names]
    return found


@pytest.mark.parametrize("package,forbidden", [("api", "portal.web"), ("web", "portal.api")])
def test_no_imports_across_entry_points(package, forbidden):
    offending = [(path, name) for path, name in _imports(package)
                 if name == forbidden or name.startswith(forbidden + ".")]
    assert offending == []
