"""Every URL pattern, for every persona, answers as tests/authorization/rules/ says (issue 12).

The URL patterns come from the URL configuration, so a new view fails
`test_every_url_pattern_has_an_entry` until its app's rules module names what each role gets.
"""

import pytest
from django.test import Client

from tests.authorization.matrix import Case, concrete_path, load_rules, matches, prefix_rule, url_names
from tests.authorization.world import PERSONAS, build_world
from tests.conftest import client_for


def test_every_url_pattern_has_an_entry() -> None:
    rules = load_rules()
    missing = sorted({name for name, _ in url_names() if name not in rules and prefix_rule(name) is None})
    assert not missing, "\n".join(
        f"add an entry for {name} in tests/authorization/rules/" for name in missing
    )
    names = {name for name, _ in url_names()}
    stale = sorted(set(rules) - names)
    assert not stale, f"entries for URL names that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_each_persona_as_the_table_says(persona: str, settings: object) -> None:
    world = build_world()
    client = Client() if persona == "anonymous" else client_for(world.users[persona])
    client.raise_request_exception = False
    rules = load_rules()
    failures: list[str] = []
    seen: set[str] = set()
    for name, pattern in url_names():
        cases = rules.get(name)
        if cases is None:
            row = prefix_rule(name)
            if row is None:
                continue  # test_every_url_pattern_has_an_entry names it
            cases = [Case(concrete_path(pattern), row)]
        for entry in cases:
            path = entry.resolve(world)
            key = f"{name} {path}"
            if key in seen:
                continue
            seen.add(key)
            want = Case.expected(entry.get)[persona]
            response = client.get(path)
            if not matches(want, response.status_code):
                failures.append(
                    f"GET {path} ({name}{' ' + entry.label if entry.label else ''}): "
                    f"{persona} got {response.status_code}, expected {want}"
                )
            elif (
                persona == "anonymous"
                and want == "302"
                and not response["Location"].startswith(("/accounts/login/", "/admin/login/"))
            ):
                failures.append(f"GET {path}: anonymous sent to {response['Location']}, not a login page")
            refused = Case.expected(entry.post).get(persona, "-")
            if refused != "-":
                response = client.post(path, {})
                if not matches(refused, response.status_code):
                    failures.append(
                        f"POST {path} ({name}): {persona} got {response.status_code}, expected {refused}"
                    )
    assert not failures, f"{len(failures)} answer(s) differ from the table:\n" + "\n".join(failures)
