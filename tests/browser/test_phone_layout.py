"""The review page on a 390 × 844 phone: nothing is wider than the screen and the decision buttons
stay inside their card (issue 11, rough edge 13)."""

from typing import Any

import pytest

from accounts.models import User
from tests.browser.conftest import Browser
from tests.factories import make_contributor, make_user
from tests.media_samples import upload
from tests.moderation.test_review import CORPUS, awaiting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTH, HEIGHT = 390, 844

# Visible elements whose right edge passes the viewport (hidden, zero-size and visually-hidden ones
# aside), and whether the page itself scrolls sideways.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === "hidden" || style.display === "none") continue;
    if (el.closest(".visually-hidden, .modal:not(.show), [hidden]")) continue;
    if (box.right > width + 1 || box.left < -1) {
      const name = `${el.tagName.toLowerCase()}#${el.id}.${[...el.classList].join(".")}`;
      wide.push(`${name} ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 20)};
}"""

OUTSIDE_CARD = """() => {
  const card = document.getElementById("decision-card").getBoundingClientRect();
  return [...document.querySelectorAll("#decision-card label.btn, #decision-card button")]
    .filter((el) => el.getBoundingClientRect().width)
    .filter((el) => {
      const box = el.getBoundingClientRect();
      return box.left < card.left - 0.5 || box.right > card.right + 0.5;
    })
    .map((el) => el.id || el.getAttribute("for") || el.textContent.trim());
}"""


def test_the_review_page_fits_a_phone(browser: Browser, db: None) -> None:
    from accounts.roles import Role

    bob = make_contributor("bob")
    make_user("mod", Role.MODERATOR)
    files = [upload("dream.jpg", (CORPUS / "generated/c2pa_trainedAlgorithmicMedia.jpg").read_bytes())]
    item = awaiting(bob, files=files, declared_ai=False, title="A long title for a small screen, " * 3)
    page = browser.page_for("mod", width=WIDTH, height=HEIGHT)
    page.goto(f"{browser.base}/review/items/{item.pk}/")
    page.click("#claim")
    page.wait_for_load_state("networkidle")
    page.click("label[for=outcome-rejected]")
    browser.shot(page, "review-item-phone")
    layout: dict[str, Any] = page.evaluate(OVERFLOW)
    assert layout["wide"] == [], layout
    assert layout["scroll"] <= layout["width"], layout
    assert page.evaluate(OUTSIDE_CARD) == []


def test_the_contributor_pages_fit_a_phone(browser: Browser, db: None) -> None:
    alice: User = make_contributor("alice")
    awaiting(alice, title="Lake at dawn")
    page = browser.page_for("alice", width=WIDTH, height=HEIGHT)
    for path in ("/submissions/", "/submissions/new/"):
        page.goto(f"{browser.base}{path}")
        layout: dict[str, Any] = page.evaluate(OVERFLOW)
        assert layout["scroll"] <= layout["width"], (path, layout)
