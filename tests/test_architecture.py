"""The layout DESIGN.md §7 fixes: dependencies point one way, reports → planning → coaching →
scoring → monitoring, and no module grows past ~600 lines. Read from the source (AST), so an
import added anywhere — even inside a function — is caught."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first: an app may import the apps before it, never those after it.
ORDER = ["monitoring", "scoring", "coaching", "planning", "reports"]
MAX_LINES = 600


def python_files(app: str) -> list[Path]:
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(ORDER)


@pytest.mark.parametrize("app", ORDER)
def test_an_app_imports_no_app_above_it(app):
    above = set(ORDER[ORDER.index(app) + 1 :])
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) & above)
        for path in python_files(app)
        if imported_apps(path) & above
    }
    assert offenders == {}


def test_the_shared_project_package_imports_no_app_outside_its_composition_root():
    """qa_platform holds the settings, roles, permission and error helpers every app uses; only its
    URL conf and management commands (which assemble the apps) may import them."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "qa_platform").rglob("*.py")
        if path.name != "urls.py" and "management" not in path.parts and imported_apps(path)
    ]
    assert offenders == []


def test_no_python_module_is_over_600_lines():
    skip = {"migrations", ".venv", "var", "node_modules"}
    demo_data = {"demo.py", "demo_recordings.py"}
    long = {
        str(path.relative_to(ROOT)): n
        for path in ROOT.rglob("*.py")
        if not skip & set(path.relative_to(ROOT).parts)
        and path.name not in demo_data
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
