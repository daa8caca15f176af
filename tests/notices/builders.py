"""Notices sent through the real service, the way the public form sends them."""

from typing import Any

from moderation.models import Submission
from notices.models import Notice
from notices.services import NoticeInput, notice_submit


def notice(item: Submission, **overrides: Any) -> Notice:
    values: dict[str, Any] = {
        "urls": [f"http://testserver/p/{item.pk}/"],
        "category": "terms",
        "explanation": "It is an advert for counterfeit watches.",
        "good_faith": True,
        "name": "Nina Notifier",
        "email": "nina@example.com",
    }
    values.update(overrides)
    return notice_submit(submission=item, data=NoticeInput(**values))
