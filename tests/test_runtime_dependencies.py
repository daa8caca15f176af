"""The runtime installs from requirements.txt alone: no module the app imports at runtime may come
from a package that only requirements-dev.txt brings (django-stubs' django_stubs_ext, pytest, …).

Imports under `if TYPE_CHECKING:` are for mypy and do not count. `.ci/front_door.sh` proves the
same thing end to end in a fresh virtualenv; this test says which import broke it, in seconds.
"""

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

PROJECT = Path(__file__).resolve().parents[1]
# examples/: client code a publisher runs on its own machine (requests, standardwebhooks), not ours.
# docs/: docs/screenshots/take.py drives a browser with Playwright (a dev requirement).
NOT_RUNTIME = {"tests", "bench", "examples", "docs", ".venv", "var", "test-artifacts", "node_modules"}


def requirement_names(path: Path) -> set[str]:
    names: set[str] = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(canonical(re.split(r"[\s<>=!~;\[]", line, maxsplit=1)[0]))
    return names


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions() -> set[str]:
    """requirements.txt and everything those packages require here (no optional extras)."""
    todo, seen = list(requirement_names(PROJECT / "requirements.txt")), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(canonical(requirement.name))
    return seen


def runtime_imports(path: Path) -> set[str]:
    """Top-level module names imported by `path`, leaving out `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(), str(path))
    typing_only = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for statement in node.body
        for child in ast.walk(statement)
    }
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def project_files() -> list[Path]:
    return [
        path
        for path in PROJECT.rglob("*.py")
        if not NOT_RUNTIME.intersection(path.relative_to(PROJECT).parts[:1])
    ]


def test_it_imports_at_runtime_only_what_requirements_txt_installs() -> None:
    providers = metadata.packages_distributions()
    runtime = runtime_distributions()
    local = {path.relative_to(PROJECT).parts[0].removesuffix(".py") for path in project_files()}
    offenders = []
    for path in project_files():
        for module in sorted(runtime_imports(path)):
            if module in sys.stdlib_module_names or module in local or module == "__future__":
                continue
            dists = {canonical(name) for name in providers.get(module, [])}
            if not dists & runtime:
                offenders.append(f"{path.relative_to(PROJECT)}: {module} ({', '.join(sorted(dists))})")
    assert offenders == []


def test_it_tells_a_dev_only_package_from_a_runtime_one() -> None:
    runtime = runtime_distributions()
    assert {"django", "asgiref", "sqlparse", "rq", "redis", "whitenoise"} <= runtime
    assert not {"django-stubs-ext", "pytest", "fakeredis", "playwright", "mypy"} & runtime
