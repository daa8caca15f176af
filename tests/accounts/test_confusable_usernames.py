"""Sign-up refuses a username that looks like an existing one (issue 12: `ädmin` beside `admin`)."""

import pytest
from django.test import Client

from accounts.models import TermsVersion, User
from accounts.usernames import confusable_username, skeleton
from tests.accounts.test_signup import form_data
from tests.factories import make_user


@pytest.mark.parametrize(
    ("existing", "new"),
    [
        ("admin", "ädmin"),
        ("admin", "\u0430dmin"),  # Cyrillic а
        ("admin", "ＡＤＭＩＮ"),  # full-width
        ("admin", "Admín"),
        ("ädmin", "admin"),  # the other way round: the existing one is the look-alike
        ("senior", "seni\u043er"),  # Cyrillic о
        ("paypal", "p\u0430yp\u0430l"),
    ],
)
def test_it_refuses_a_username_confusable_with_an_existing_one(
    terms: TermsVersion, existing: str, new: str
) -> None:
    make_user(existing)
    response = Client().post("/accounts/signup/create/", form_data(terms, username=new))
    assert response.status_code == 200
    assert response.context["form"].errors["username"] in (
        ["This username looks too much like an existing one."],
        ["This username is taken."],
    )
    assert User.objects.count() == 1


def test_it_accepts_names_that_only_share_letters(terms: TermsVersion) -> None:
    make_user("admin")
    response = Client().post("/accounts/signup/create/", form_data(terms, username="admins"))
    assert response.status_code == 302
    assert User.objects.filter(username="admins").exists()


def test_the_skeleton_folds_width_case_accents_and_lookalikes() -> None:
    assert skeleton("ＡＤＭＩＮ") == skeleton("ädmin") == skeleton("\u0430dmin") == "admin"
    assert skeleton("carol.chen") == "carol.chen"


@pytest.mark.django_db
def test_it_leaves_out_the_user_being_renamed() -> None:
    user = make_user("ädmin")
    assert confusable_username("admin", exclude_pk=user.pk) is None
    assert confusable_username("admin") == "ädmin"
