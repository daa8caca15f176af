"""The oversight access helpers, once for every persona."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import User
from oversight.access import require_overseer, require_searcher


@pytest.mark.parametrize(
    ("persona", "searcher", "overseer"),
    [
        ("alice", False, False),
        ("mod", True, False),
        ("senior", True, True),
        ("ada", True, True),
        ("oscar", False, False),
    ],
)
def test_it_lets_each_role_do_what_it_may(
    db: None, persona: str, searcher: bool, overseer: bool, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)
    for check, allowed in ((require_searcher, searcher), (require_overseer, overseer)):
        if allowed:
            check(user)
        else:
            with pytest.raises(PermissionDenied):
                check(user)
