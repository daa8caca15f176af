"""Small template helpers for the review console."""

from typing import Any

from django import template
from django.forms import BoundField

from moderation.review.priority import score_now
from moderation.review.selectors import blur_media

register = template.Library()


@register.filter
def priority_now(item: Any) -> float:
    """The item's priority score at this moment (its rank plus the points its age earns)."""
    return score_now(item.priority_rank)


@register.filter
def any_running(runs: Any) -> bool:
    """Whether a check run has not finished: a slow check (OCR) may still run during review."""
    return any(not run.is_finished for run in runs)


@register.filter
def blurs_media(user: Any) -> bool:
    return blur_media(user)


@register.filter
def add_class(field: BoundField, css: str) -> Any:
    """Render a form field with CSS classes (select fields get form-select, others form-control)."""
    widget = field.field.widget
    is_select = getattr(widget, "input_type", "") == "select"
    classes = css if is_select else css.replace("form-select", "form-control")
    return field.as_widget(attrs={"class": classes})


@register.filter
def progress_step(done: int | None, total: int | None) -> int:
    """done/total as a percentage in 5 % steps, for the progress-step-N classes (no inline style)."""
    if not total:
        return 0
    percent = max(0, min(100, round(100 * (done or 0) / total)))
    return percent - percent % 5


@register.filter
def localized_statement(statement: Any) -> Any:
    """A statement of reasons with its fixed parts in the reader's language (the moderator's
    words as written)."""
    from moderation.review.statements import localized

    return localized(statement)
