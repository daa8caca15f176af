"""Every kind of page, for every role, checked by axe-core in chromium (the Browser helper runs it
on each page it shows and fails on serious or critical violations); the terms box is reached and
scrolled with the keyboard; the django-rq dashboard runs without JavaScript errors; the admin's
change lists show their right-hand columns on a 1366 px screen."""

from typing import Any

import pytest
from django.utils import timezone

from accounts.models import TermsVersion, User
from accounts.roles import Role
from accounts.services import phone_verification_start
from audit.services import record_event
from tests.browser.conftest import AccessibilityError, Browser, CheckedPage, console_errors
from tests.factories import make_contributor, make_user
from tests.moderation.builders import unique_image
from tests.moderation.test_review import awaiting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LONG_TERMS = "\n\n".join(
    f"{n}. Label AI-generated content as the law requires, and never remove, alter, forge or hide a label."
    for n in range(1, 30)
)


@pytest.fixture
def people(db: None) -> dict[str, User]:
    return {
        "alice": make_contributor("alice"),
        "mod": make_user("mod", Role.MODERATOR),
        "senior": make_user("senior", Role.SENIOR_MODERATOR),
        "ada": make_user("ada", Role.ADMIN, is_superuser=True),
    }


def visit(page: CheckedPage, browser: Browser, *paths: str) -> None:
    """Open each page; the helper runs axe on it before anything else happens."""
    for path in paths:
        page.goto(browser.base + path)


def test_every_page_passes_axe(browser: Browser, people: dict[str, User], settings: Any) -> None:
    item = awaiting(people["alice"], files=[unique_image()], title="Harbour at night")
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    carol = make_user("carol", Role.CONTRIBUTOR)
    attempt = phone_verification_start(user=carol, phone="+8613800138000")

    anonymous = browser.new_page()
    visit(anonymous, browser, "/accounts/login/", "/accounts/signup/", "/accounts/password_reset/")

    alice = browser.page_for("alice")
    visit(
        alice,
        browser,
        "/submissions/",
        "/submissions/new/",
        f"/submissions/{item.pk}/",
        "/accounts/me/",
        "/accounts/terms/",
        "/accounts/verify/phone/",
        "/accounts/verify/id-card/",
        "/accounts/verify/uscc/",
        "/accounts/verify/document/",
        "/accounts/password_change/",
        "/notifications/",
        "/review/",  # our 403 page
        "/no-such-page/",  # our 404 page
    )
    visit(browser.page_for("carol"), browser, f"/accounts/verify/phone/{attempt.pk}/")

    moderator = browser.page_for("mod")
    visit(
        moderator,
        browser,
        "/review/",
        "/review/queue/review/",
        "/review/queue/takedown/",
        "/review/queue/mine/",
        "/review/bulk/",
        f"/review/items/{item.pk}/",
        "/notifications/",
    )
    visit(browser.page_for("senior"), browser, "/review/queue/escalated/")

    admin = browser.page_for("ada")
    visit(
        admin,
        browser,
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{people['alice'].pk}/change/",
        "/admin/accounts/termsversion/",
        "/admin/audit/auditevent/",
        "/admin/moderation/submission/",
    )


def test_the_keyboard_reaches_and_scrolls_the_terms(browser: Browser, people: dict[str, User]) -> None:
    TermsVersion.objects.create(version="9", title="Terms of service", body=LONG_TERMS)
    page = browser.page_for("alice")  # sent to the terms first
    assert page.url.endswith("/accounts/terms/?next=/")
    page.locator("h1").click()
    for _ in range(20):  # Tab from the heading: the box comes before the form
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('terms-text')"):
            break
    else:
        pytest.fail("Tab never reached the terms box")
    page.keyboard.press("PageDown")
    page.wait_for_function("() => document.querySelector('.terms-text').scrollTop > 0")
    browser.shot(page, "terms-keyboard")


@pytest.mark.services
def test_the_django_rq_dashboard_runs_without_javascript_errors(
    browser: Browser, people: dict[str, User], rq_connection: Any
) -> None:
    import django_rq
    from django_rq.settings import get_queues_map

    queue = django_rq.get_queue("default")
    jobs = [queue.enqueue("operations.selectors.check_health") for _ in range(2)]
    page = browser.page_for("ada")
    errors = console_errors(page)
    index = get_queues_map()["default"]
    registries = ["", "finished/", "failed/", "started/", "deferred/", "scheduled/"]
    visit(page, browser, "/admin/django-rq/", *[f"/admin/django-rq/queues/{index}/{r}" for r in registries])
    page.goto(f"{browser.base}/admin/django-rq/queues/{index}/")
    page.check("#action-toggle")
    assert page.locator("tr.selected input.action-select:checked").count() == len(jobs)
    page.uncheck(f"input.action-select[value='{jobs[0].id}']")
    assert not page.is_checked("#action-toggle")
    browser.shot(page, "django-rq-queue")
    page.goto(f"{browser.base}/admin/django-rq/workers/{index}/")
    assert errors() == []


@pytest.mark.parametrize(
    ("path", "columns"),
    [
        ("/admin/accounts/user/", ["column-strike_count_display", "column-date_joined"]),
        ("/admin/audit/auditevent/", ["column-target", "column-ip"]),
    ],
)
def test_admin_lists_show_their_last_columns_at_1366_px(
    browser: Browser, people: dict[str, User], path: str, columns: list[str]
) -> None:
    # Wide values: a long e-mail address, a sanction, an IPv6 address.
    make_contributor("bartholomew", email="bartholomew.longname-for-testing@subsidiary.example.com")
    record_event(
        action="auth.login_failed",
        actor=None,
        target=people["alice"],
        ip="2001:db8:85a3:1234:5678:8a2e:370:7334",
        details={"at": timezone.now().isoformat()},
    )
    page = browser.page_for("ada", width=1366)
    page.goto(browser.base + path)
    for column in columns:
        box = page.locator(f"#result_list th.{column}").bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1366, (column, box)
    overflow = page.evaluate(
        "() => { const r = document.querySelector('.results'); return r.scrollWidth - r.clientWidth; }"
    )
    assert overflow <= 0
    browser.shot(page, "admin" + path.replace("/admin", "").replace("/", "-").rstrip("-") + "-1366")


def test_the_helper_fails_a_test_on_a_serious_violation(browser: Browser) -> None:
    page = browser.new_page()
    page.goto(f"{browser.base}/accounts/login/")  # checked: no violation
    page.evaluate("() => { document.querySelector('h1').style.color = '#ddd'; window.__axeAudited = false; }")
    with pytest.raises(AccessibilityError, match="color-contrast"):
        page.title()  # anything the test does next checks the changed page first
    page.page.close()
