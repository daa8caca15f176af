"""The deepfake disclosure readers see at first exposure (AI Act Art. 50(4), R20).

A deepfake (moderation.review.deepfakes) is disclosed above its media on the published page: a
prominent notice, or for an evidently artistic, satirical or fictional work a limited one that does
not hamper it. The page and the publication job render the same snippet: before an item marked
as a deepfake goes out, the job renders it and refuses to publish when the disclosure is missing
(`disclosure_verify`). This matters most for an undeclared deepfake with no AI metadata, which
carries no AI label at all: the disclosure is the only thing that tells the reader.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from moderation.models import DeepfakeException, DeepfakeMark, Submission, Tier

SNIPPET = "moderation/snippets/deepfake_disclosure.html"
# The element the published page shows; the job looks for it in the rendered snippet.
MARKER = 'id="deepfake-disclosure"'


@dataclass(frozen=True)
class Disclosure:
    limited: bool
    text: str
    detail: str
    # An undeclared deepfake without AI metadata: nothing else labels it.
    only_signal: bool


def disclosure_for(submission: Submission, mark: DeepfakeMark | None = None) -> Disclosure | None:
    """What the published page discloses about a deepfake, or None for an item not marked."""
    if mark is None:
        mark = DeepfakeMark.objects.filter(submission_id=submission.pk).first()
    if mark is None:
        return None
    revision = submission.current_revision
    only_signal = bool(revision and revision.declared_ai is False and submission.tier == Tier.NONE)
    if mark.exception:
        return Disclosure(
            limited=True,
            text=_("Deepfake"),
            detail=_("%(work)s: contains artificially generated or manipulated content.")
            % {"work": DeepfakeException(mark.exception).label},
            only_signal=only_signal,
        )
    return Disclosure(
        limited=False,
        text=_("Deepfake: this content is not authentic"),
        detail=_(
            "It was artificially generated or manipulated. It resembles real persons, objects, places or "
            "events, but what it shows did not happen this way."
        ),
        only_signal=only_signal,
    )


def disclosure_html(disclosure: Disclosure | None) -> str:
    return render_to_string(SNIPPET, {"deepfake": disclosure})


class DisclosureMissing(Exception):
    pass


def disclosure_verify(submission: Submission) -> Disclosure | None:
    """Render the disclosure as the page will; raise DisclosureMissing for a deepfake whose
    rendering lacks it. Returns the disclosure (None for an item not marked)."""
    disclosure = disclosure_for(submission)
    if disclosure is None:
        return None
    html = disclosure_html(disclosure)
    if MARKER not in html or str(disclosure.text) not in html:
        raise DisclosureMissing(
            _("The item is marked as a deepfake, but its published page would not show the disclosure.")
        )
    return disclosure
