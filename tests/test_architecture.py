"""Domain packages take the actor and the time as arguments and never commit (STYLE §3.3).

Every module under portal/ except the entry points (web, api, cli) and the Flask wiring is
parsed; request globals imported from flask or flask_login, and db.session.commit() calls,
fail the test with the file and line.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parent.parent / "portal"
ENTRY_POINTS = {"web", "api"}
# Entry points and wiring: they may commit (cli.py, jobs.py) or touch the request (i18n.py,
# replica.py: which database a read-only view reads).
WIRING = {"cli.py", "cli_directory.py", "cli_scores.py", "jobs.py", "dispatch.py", "__init__.py",
          "extensions.py", "i18n.py", "worker.py", "replica.py"}
FORBIDDEN = {
    "flask": {"request", "session", "g", "flash", "redirect", "url_for", "render_template",
              "abort"},
    "flask_login": {"current_user"},
}


def domain_modules() -> list[Path]:
    modules = []
    for path in sorted(PORTAL.rglob("*.py")):
        relative = path.relative_to(PORTAL)
        if relative.parts[0] in ENTRY_POINTS:
            continue
        if len(relative.parts) == 1 and relative.name in WIRING:
            continue
        modules.append(path)
    return modules


def _root(module: str | None) -> str | None:
    """`flask.globals` and `flask.helpers` count as flask."""
    return module.split(".")[0] if module else None


def request_globals(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    aliases: dict[str, str] = {}  # local name -> forbidden package ("import flask as f")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _root(node.module) in FORBIDDEN:
            for alias in node.names:
                if alias.name in FORBIDDEN[_root(node.module)] or alias.name == "*":
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _root(alias.name) in FORBIDDEN:
                    aliases[(alias.asname or alias.name).split(".")[0]] = _root(alias.name)
    for node in ast.walk(tree):  # flask.request used through a module import
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in aliases and node.attr in FORBIDDEN[aliases[node.value.id]]):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return found


def commits(tree: ast.AST) -> list[tuple[int, str]]:
    """Calls of db.session.commit() (or any <x>.session.commit())."""
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "commit" and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == "session"):
            found.append((node.lineno, ast.unparse(node)))
    return found


def _violations(check) -> list[str]:
    problems = []
    for path in domain_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        problems += [f"{path.relative_to(PORTAL.parent)}:{line}: {what}"
                     for line, what in check(tree)]
    return problems


def test_the_domain_packages_are_the_ones_checked():
    checked = {str(p.relative_to(PORTAL)) for p in domain_modules()}
    for expected in ("tickets/workflow.py", "tickets/intake.py", "tickets/tracking.py",
                     "accounts/permissions.py", "deadlines/working_days.py",
                     "directory/loader.py", "models/ticket.py", "errors.py", "clock.py"):
        assert expected in checked
    assert not any(p.startswith(("web/", "api/")) for p in checked)
    assert not checked & WIRING


def test_domain_modules_do_not_use_request_globals():
    problems = _violations(request_globals)
    assert not problems, "request globals in domain code:\n" + "\n".join(problems)


def test_domain_services_never_commit():
    problems = _violations(commits)
    assert not problems, "domain code commits (flush; the entry point commits):\n" + "\n".join(
        problems)


@pytest.mark.parametrize("source,caught", [
    ("from flask import request", True),
    ("from flask import current_app, g", True),
    ("from flask.globals import session", True),
    ("from flask import *", True),
    ("from flask_login import current_user as me", True),
    ("import flask\nflask.url_for('x')", True),
    ("import flask as f\nf.abort(404)", True),
    ("from flask import current_app, Flask", False),
    ("from flask_login import UserMixin", False),
    ("from portal.web import request", False),
])
def test_the_import_check_catches_what_it_should(source, caught):
    assert bool(request_globals(ast.parse(source))) is caught


@pytest.mark.parametrize("source,caught", [
    ("db.session.commit()", True),
    ("self.db.session.commit()", True),
    ("db.session.flush()", False),
    ("'db.session.commit()'", False),
])
def test_the_commit_check_catches_what_it_should(source, caught):
    assert bool(commits(ast.parse(source))) is caught
