"""The authorization matrix: for every URL pattern, what each persona gets.

Each module in tests/authorization/rules/ holds a `RULES` dict for one app: URL name -> a list of
`Case`s (one per object status that matters). A case names its path (a string, or a function of the
World), the GET answer of each persona, and optionally the POST answer of each persona for which a
POST must be refused. An app adds its URLs by adding a module there; nothing else changes.

Answers are written as six fields, in the order of PERSONAS (anonymous, alice, bob, mod, senior,
admin): a status code, "-" (not checked), "*" (anything but a server error) or "R" (a redirect
anywhere). A 302 for the
anonymous visitor must lead to a login page.
"""

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from tests.authorization.world import PERSONAS, World

PathSpec = str | Callable[[World], str]


@dataclass(frozen=True)
class Case:
    path: PathSpec
    get: str
    post: str | None = None
    label: str = ""

    def resolve(self, world: World) -> str:
        return self.path(world) if callable(self.path) else self.path

    @staticmethod
    def expected(row: str | None) -> dict[str, str]:
        if row is None:
            return {}
        fields = row.split()
        assert len(fields) == len(PERSONAS), f"{row!r}: one answer per persona {PERSONAS}"
        return dict(zip(PERSONAS, fields, strict=True))


def case(path: PathSpec, get: str, post: str | None = None, label: str = "") -> list[Case]:
    return [Case(path, get, post, label)]


# Generic rules by URL name prefix, for URL sets we do not list one by one.
PREFIX_RULES: dict[str, str] = {}


def url_names() -> Iterator[tuple[str, str]]:
    """(name, pattern) of every URL pattern, namespaced like reverse() wants it."""

    def walk(patterns: list, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                yield (
                    namespace + (entry.name or f"<unnamed {prefix}{entry.pattern}>"),
                    prefix + str(entry.pattern),
                )

    yield from walk(get_resolver().url_patterns, "", "")


def load_rules() -> dict[str, list[Case]]:
    from tests.authorization import rules

    merged: dict[str, list[Case]] = {}
    for module_info in pkgutil.iter_modules(rules.__path__):
        module = importlib.import_module(f"{rules.__name__}.{module_info.name}")
        for name, cases in getattr(module, "RULES", {}).items():
            assert name not in merged, f"{name} has entries in two rule modules"
            merged[name] = cases
        PREFIX_RULES.update(getattr(module, "PREFIX_RULES", {}))
    return merged


def prefix_rule(name: str) -> str | None:
    for prefix, row in sorted(PREFIX_RULES.items(), key=lambda item: -len(item[0])):
        if name.startswith(prefix):
            return row
    return None


def concrete_path(pattern: str) -> str:
    path = re.sub(r"<int:\w+>", "999999", pattern)
    path = re.sub(r"<(?:str|slug|path|uuid):?\w*>", "x", path)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "").replace("?", "")
    return "/" + path


def matches(expected: str, status: int) -> bool:
    if expected == "-":
        return True
    if expected == "*":
        return status < 500
    if expected == "R":
        return status in (301, 302, 303)
    return int(expected) == status
