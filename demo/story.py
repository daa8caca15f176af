"""The demo's content: submissions that go through the real services and checks, so that `mod`
meets a living queue and `alice` a contributor's history.

Every item is made the way a person would make it: uploaded through `submission_create`,
submitted, checked by the real label, consent and policy checks, asked for consent through the
real links, decided with `review_decide`. One thing is staged: items waiting for review get
arrival times spread over the last day and a half, so the queue shows its SLA states.

After publication, the story goes on through the same services readers and moderators use: a
reported item waits in the notices queue, another was taken down on a notice (and its
contributor's complaint waits for a senior), a third carries a refutation, and one takedown was
overturned on the contributor's complaint and published again.

With the visible-mark check on (CHECK_VISIBLE_MARKS), bob's "Sunset over the bay" carries an
"AI生成" mark drawn into its corner, though declared a photo: the OCR finds it and the item waits
in review with a blocking contradiction.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from consent.models import ConsentRecord
from consent.services import consent_grant, consent_request_send, consent_self_confirm, consent_withdraw
from consent.tokens import request_token, withdraw_token
from demo import media
from moderation.intake.services import PersonInput, RevisionInput, submission_create, submission_submit
from moderation.models import (
    CheckRun,
    DecisionOutcome,
    PolicyReason,
    PolicyRule,
    PublicationRun,
    PublicationStatus,
    Revision,
    Submission,
)
from moderation.pipeline.policy import policy_rule_save
from moderation.pipeline.services import check_run_execute
from moderation.publication.jobs import publish_inline
from moderation.review.claims import review_claim
from moderation.review.decisions import review_add_note as add_note
from moderation.review.decisions import review_decide
from moderation.review.deepfakes import deepfake_mark
from moderation.review.priority import apply_outcome
from notices.models import Notice
from notices.services import CaseDecision, NoticeInput, notice_case_claim, notice_case_decide, notice_submit

MARKER_TITLE = gettext_noop("Lake at dawn")


@dataclass
class Item:
    contributor: str
    title: str
    files: list[tuple[str, Callable[[], bytes]]] = field(default_factory=list)
    body: str = ""
    declared_ai: bool = False
    categories: list[str] = field(default_factory=list)
    persons: list[PersonInput] = field(default_factory=list)
    region: str = "cn"
    prompt: str = ""
    submit: bool = True
    then: Callable[[Submission, dict[str, User]], None] | None = None
    waited_hours: float = 0
    needs_ffmpeg: bool = False  # video and audio are published with ffmpeg; skipped without it
    # Only with the visible-mark check on (CHECK_VISIBLE_MARKS) and a CJK font to draw the mark in.
    needs_visible_marks: bool = False


def _arrived_hours_ago(submission: Submission, hours: float) -> None:
    """Stage the arrival time of an item waiting for review; its SLA and priority follow."""
    when = timezone.now() - timedelta(hours=hours)
    Revision.objects.filter(submission=submission, pk=submission.current_revision_id or 0).update(
        submitted_at=when
    )
    Submission.objects.filter(pk=submission.pk).update(submitted_at=when, awaiting_since=when)
    submission.refresh_from_db()
    apply_outcome(submission)


def _run_checks(submission: Submission) -> None:
    """Run the pending checks now, as a worker would (also inside a test's transaction, where
    after-commit hooks never fire)."""
    for run_id in CheckRun.objects.filter(submission=submission, status="pending").values_list(
        "pk", flat=True
    ):
        check_run_execute(run_id=run_id, worker="seed_demo")


def _upload(name: str, make: Callable[[], bytes]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make())


def _grant(submission: Submission, person_key: str, users: dict[str, User]) -> ConsentRecord:
    request = consent_request_send(
        submission=submission, person_key=person_key, channel="email", actor=submission.contributor
    )
    record = consent_grant(
        token=request_token(request.pk, request.nonce),
        separate=True,
        text_version="person-1",
        ip="198.51.100.23",
        user_agent="Demo browser",
    )
    _run_checks(submission)
    return record


def _decide(submission: Submission, moderator: User, outcome: str, **kwargs: Any) -> None:
    submission.refresh_from_db()
    review_claim(submission=submission, moderator=moderator)
    submission.refresh_from_db()
    review_decide(
        submission=submission,
        moderator=moderator,
        outcome=outcome,
        expected_version=submission.version,
        **kwargs,
    )
    _publish(submission)


def _publish(submission: Submission) -> None:
    """Run a pending publication now, as a worker would (an approval's runs after commit)."""
    for run_id in PublicationRun.objects.filter(
        submission=submission, status=PublicationStatus.PENDING
    ).values_list("pk", flat=True):
        publish_inline(run_id)


def _reason(code: str) -> PolicyReason:
    return PolicyReason.objects.get(code=code)


def approve(submission: Submission, users: dict[str, User]) -> None:
    _decide(submission, users["mod"], DecisionOutcome.APPROVED)


def reject_unlabelled(submission: Submission, users: dict[str, User]) -> None:
    _decide(
        submission,
        users["mod"],
        DecisionOutcome.REJECTED,
        reason=_reason("unlabelled-ai"),
        explanation="The picture was generated with an AI tool but was declared as a photograph.",
    )


def ask_changes(submission: Submission, users: dict[str, User]) -> None:
    _decide(
        submission,
        users["mod"],
        DecisionOutcome.CHANGES_REQUESTED,
        reason=_reason("quality"),
        explanation="Please crop out the watermark in the lower corner and submit again.",
    )


def deepfake_then_approve(submission: Submission, users: dict[str, User]) -> None:
    """Declared as a photo, no AI metadata: the moderator recognises a deepfake of a real event,
    marks it (R20), and approves; the published page discloses it above the picture."""
    deepfake_mark(
        submission=submission,
        moderator=users["mod"],
        reason="The mayor never opened the new pier; the crowd and the ribbon are generated. It could pass "
        "for a news photo.",
    )
    approve(submission, users)


def escalate(submission: Submission, users: dict[str, User]) -> None:
    _decide(
        submission,
        users["mod"],
        DecisionOutcome.ESCALATED,
        note="Two conflicting implicit labels: one says AI, the other says possibly. Needs a senior call.",
    )


def consent_from_mei(submission: Submission, users: dict[str, User]) -> None:
    person = submission.current_revision.persons.get(name="Mei Chen")  # type: ignore[union-attr]
    _grant(submission, person.person_key, users)
    add_note(
        submission=submission,
        author=users["mod"],
        text="Consent from Mei arrived by link; file hashes match.",
    )


def ask_li_wei(submission: Submission, users: dict[str, User]) -> None:
    person = submission.current_revision.persons.get(name="Li Wei")  # type: ignore[union-attr]
    consent_request_send(
        submission=submission, person_key=person.person_key, channel="email", actor=submission.contributor
    )
    _run_checks(submission)


def self_consent_then_approve(submission: Submission, users: dict[str, User]) -> None:
    person = submission.current_revision.persons.get(relation="self")  # type: ignore[union-attr]
    consent_self_confirm(
        submission=submission,
        person_key=person.person_key,
        actor=submission.contributor,
        confirmed=True,
        text_version="self-1",
    )
    _run_checks(submission)
    approve(submission, users)


def published_then_withdrawn(submission: Submission, users: dict[str, User]) -> None:
    person = submission.current_revision.persons.get(name="Tom Zhang")  # type: ignore[union-attr]
    record = _grant(submission, person.person_key, users)
    approve(submission, users)
    consent_withdraw(
        token=withdraw_token(record.pk, record.withdraw_nonce), ip="198.51.100.77", user_agent="Demo browser"
    )


def _notice(
    submission: Submission, category: str, explanation: str, name: str, email: str, law: str = ""
) -> Notice:
    """A reader's notice, as the public form sends it."""
    return notice_submit(
        submission=submission,
        data=NoticeInput(
            urls=[f"{settings.SITE_URL.rstrip('/')}/p/{submission.pk}/"],
            category=category,
            explanation=explanation,
            good_faith=True,
            name=name,
            email=email,
            law=law,
        ),
    )


def _decide_notices(notice: Notice, moderator: User, decision: CaseDecision) -> None:
    case = notice_case_claim(case=notice.case, moderator=moderator)
    notice_case_decide(case=case, moderator=moderator, decision=decision, expected_version=case.version)


def published_then_reported(submission: Submission, users: dict[str, User]) -> None:
    """Two readers report it; the notices wait in the moderators' queue."""
    approve(submission, users)
    _notice(
        submission,
        "unlabelled_ai",
        "The stalls and the lanterns look generated, but the page says nothing about AI.",
        "Nina Reader",
        "nina.reader@example.com",
    )
    _notice(
        submission,
        "terms",
        "The same picture is sold as a stock photo elsewhere.",
        "Omar Reader",
        "omar.reader@example.com",
    )


def published_then_taken_down(submission: Submission, users: dict[str, User]) -> None:
    """A notice from the actor shown; taken down with a statement; the contributor complains."""
    from complaints.services import complaint_file, target_for_contributor

    approve(submission, users)
    notice = _notice(
        submission,
        "illegal",
        "This advert shows me endorsing a product I have never used. I did not agree to it.",
        "Zhou Ming",
        "zhou.ming@example.com",
        law="Civil Code Art. 1019 (portrait rights)",
    )
    _decide_notices(
        notice,
        users["mod"],
        CaseDecision(
            outcome="taken_down",
            reasons="The advert uses a real person's likeness to sell a product without their agreement.",
            reason=_reason("impersonation"),
            explanation="The advert shows the actor Zhou Ming endorsing a watch; he never agreed to it.",
        ),
    )
    taken = submission.decisions.get(outcome=DecisionOutcome.TAKEN_DOWN)
    complaint_file(
        target=target_for_contributor(taken, submission.contributor),
        explanation="The agency told me the actor had signed a release; I am asking them for a copy.",
    )


def published_then_refuted(submission: Submission, users: dict[str, User]) -> None:
    """A reader reports false information; the moderator publishes a refutation above it."""
    approve(submission, users)
    notice = _notice(
        submission,
        "false_information",
        "No bridge collapsed in the harbour: the harbour office says all bridges are open.",
        "Li Na",
        "li.na@example.com",
    )
    _decide_notices(
        notice,
        users["mod"],
        CaseDecision(
            outcome="refuted",
            reasons="The picture is generated and presents an event that did not happen as news.",
            reason=_reason("fake-news"),
            explanation="The harbour office confirmed that no bridge collapsed; the picture is generated.",
            refutation="No bridge collapsed in the harbour: the harbour office confirmed all bridges "
            "are open. This picture is AI-generated.",
            source_url="https://example.gov.cn/harbour/notices",
        ),
    )


def taken_down_then_overturned(submission: Submission, users: dict[str, User]) -> None:
    """A moderator took it down; the contributor complained; a senior overturned; it is back."""
    from complaints.services import complaint_claim, complaint_decide, complaint_file, target_for_contributor
    from moderation.publication.takedown import TakedownRequest, publication_take_down

    approve(submission, users)
    submission.refresh_from_db()
    taken = publication_take_down(
        submission=submission,
        moderator=users["mod"],
        request=TakedownRequest(
            reason=_reason("impersonation"),
            explanation="The fireworks spell a real person's name as if they had paid for the show.",
        ),
        expected_version=submission.version,
    )
    complaint = complaint_file(
        target=target_for_contributor(taken, submission.contributor),
        explanation="The name is the festival's, not a person's: it is the Lantern Festival committee.",
    )
    held = complaint_claim(complaint=complaint, reviewer=users["senior"])
    complaint_decide(
        complaint=complaint,
        reviewer=users["senior"],
        overturn=True,
        resolution="The name in the sky is the festival committee's, not a private person's.",
        expected_version=held.version,
    )
    _publish(submission)


STORY = [
    # alice: a contributor's history, and clean work in the queue
    Item(
        "alice",
        MARKER_TITLE,
        [("lake.jpg", lambda: media.picture("dawn", 1))],
        body=gettext_noop("First light over the lake, shot on a phone."),
        declared_ai=False,
        waited_hours=1,
    ),
    Item(
        "alice",
        gettext_noop("Neon city (generated)"),
        [("neon-city.jpg", lambda: media.with_c2pa(media.picture("night", 2)))],
        body=gettext_noop("Made with an image model; the file carries its C2PA credentials."),
        declared_ai=True,
        categories=["other_generation"],
        prompt="a neon city at night, rain, cinematic",
        waited_hours=2,
    ),
    Item(
        "alice",
        gettext_noop("Festival poster"),
        [("poster.jpg", lambda: media.with_tc260(media.picture("poster", 3)))],
        body=gettext_noop("Poster for the lantern festival, generated with a domestic model."),
        declared_ai=True,
        categories=["other_generation"],
        then=approve,
    ),
    Item(
        "alice",
        gettext_noop("Grandma, restored"),
        [("grandma.jpg", lambda: media.picture("studio", 4))],
        body=gettext_noop("An old family photo, colourised and with the face restored by AI."),
        declared_ai=True,
        categories=["face_manipulation"],
        persons=[PersonInput("Mei Chen", "other", email="mei.chen@example.com")],
        then=consent_from_mei,
        waited_hours=8,
    ),
    Item(
        "alice",
        gettext_noop("Street interview (cloned voice)"),
        [("interview.wav", media.wav_with_tc260)],
        body=gettext_noop("The interviewee's answers read by a synthetic voice."),
        declared_ai=True,
        categories=["voice_synthesis"],
        persons=[PersonInput("Li Wei", "other", email="li.wei@example.com")],
        then=ask_li_wei,
        waited_hours=5,
    ),
    Item(
        "alice",
        gettext_noop("Me as an astronaut"),
        [("astronaut.jpg", lambda: media.with_iptc_ai(media.picture("studio", 5)))],
        body=gettext_noop("A portrait of me generated from a selfie."),
        declared_ai=True,
        categories=["face_generation"],
        persons=[PersonInput("Alice Liddell", "self")],
        then=self_consent_then_approve,
    ),
    Item(
        "alice",
        gettext_noop("Beach day"),
        [("beach.jpg", lambda: media.with_c2pa(media.picture("sea", 6)))],
        body=gettext_noop("Holiday at the seaside."),
        declared_ai=False,
        then=reject_unlabelled,
    ),
    Item(
        "alice",
        gettext_noop("Cat with sunglasses"),
        [("cat.png", lambda: media.picture("forest", 7, fmt="PNG"))],
        body=gettext_noop("Our cat, with a filter."),
        declared_ai=True,
        categories=["other_generation"],
        then=ask_changes,
    ),
    Item(
        "alice",
        gettext_noop("Wedding video with Tom"),
        [("wedding.jpg", lambda: media.picture("studio", 8))],
        body=gettext_noop("Face swap for the wedding slideshow."),
        declared_ai=True,
        categories=["face_swap"],
        persons=[PersonInput("Tom Zhang", "other", email="tom.zhang@example.com")],
        then=published_then_withdrawn,
    ),
    Item(
        "alice",
        gettext_noop("Harbour fireworks"),
        [("fireworks.jpg", lambda: media.picture("night", 15))],
        body=gettext_noop("New year's fireworks over the harbour, shot from the ferry."),
        declared_ai=False,
        then=taken_down_then_overturned,
    ),
    Item(
        "alice",
        gettext_noop("Autumn notes (draft)"),
        [("forest.jpg", lambda: media.picture("forest", 9))],
        body=gettext_noop("Still writing this one."),
        submit=False,
    ),
    # bob: what the checks are for
    Item(
        "bob",
        gettext_noop("Holiday snapshot"),
        [("holiday.jpg", lambda: media.with_c2pa(media.picture("sea", 10)))],
        body=gettext_noop("Just a photo from my trip."),
        declared_ai=False,
        waited_hours=20,
    ),
    Item(
        "bob",
        gettext_noop("Breaking: flood in the old town"),
        [("flood.jpg", lambda: media.tampered(media.picture("night", 11)))],
        body=gettext_noop("Photo from the scene."),
        declared_ai=True,
        categories=["other_generation"],
        waited_hours=26,
    ),
    Item(
        "bob",
        gettext_noop("Anime girl"),
        [("anime.png", lambda: media.with_sd_parameters(media.picture("forest", 12, "PNG")))],
        body=gettext_noop("Drawn by me."),
        declared_ai=False,
        waited_hours=19.5,
    ),
    Item(
        "bob",
        gettext_noop("Two labels"),
        [("two-labels.jpg", lambda: media.with_two_tc260(media.picture("poster", 13)))],
        body=gettext_noop("Exported twice from two apps."),
        declared_ai=True,
        categories=["other_generation"],
        then=escalate,
        waited_hours=10,
    ),
    Item(
        "bob",
        gettext_noop("Cheap watches"),
        body=gettext_noop("Best replica watches in town, message me for prices!"),
        declared_ai=False,
        waited_hours=12,
    ),
    Item(
        "bob",
        gettext_noop("Night market"),
        [("market.jpg", lambda: media.with_tc260(media.picture("night", 16)))],
        body=gettext_noop("Lanterns and stalls at the night market."),
        declared_ai=True,
        categories=["other_generation"],
        then=published_then_reported,
    ),
    Item(
        "bob",
        gettext_noop("Watch advert with Zhou Ming"),
        [("advert.jpg", lambda: media.picture("studio", 17))],
        body=gettext_noop("Our new watch, as worn by Zhou Ming."),
        declared_ai=False,
        then=published_then_taken_down,
    ),
    Item(
        "bob",
        gettext_noop("Mayor opens the new pier"),
        [("pier.jpg", lambda: media.picture("sea", 19))],
        body=gettext_noop("The mayor cut the ribbon at the new pier this morning."),
        declared_ai=False,
        then=deepfake_then_approve,
    ),
    Item(
        "bob",
        gettext_noop("Bridge collapse in the harbour"),
        [("bridge.jpg", lambda: media.with_c2pa(media.picture("sea", 18)))],
        body=gettext_noop("Breaking: the harbour bridge collapsed this morning."),
        declared_ai=True,
        categories=["other_generation"],
        then=published_then_refuted,
    ),
    Item(
        "bob",
        gettext_noop("Sunset over the bay"),
        [("sunset.jpg", lambda: media.with_drawn_mark(media.picture("sea", 19)) or b"")],
        body=gettext_noop("Sunset from the pier last night."),
        declared_ai=False,
        waited_hours=3,
        needs_visible_marks=True,
    ),
    Item(
        "bob",
        gettext_noop("Mountain panorama"),
        [("mountains.jpg", lambda: media.picture("dawn", 14))],
        body=gettext_noop("Stitched from three photos."),
        declared_ai=False,
        region="eu",
        waited_hours=30,
    ),
    # alice again: video and audio published with their labels (by the publication job, ffmpeg)
    Item(
        "alice",
        gettext_noop("Paper boats (generated video)"),
        [("paper-boats.mp4", media.paper_boats_video)],
        body="",
        declared_ai=True,
        categories=["other_generation"],
        prompt="paper boats drifting across a lake at dusk",
        then=approve,
        needs_ffmpeg=True,
    ),
    Item(
        "alice",
        gettext_noop("Lullaby (generated)"),
        [("lullaby.wav", media.lullaby_wav)],
        body=gettext_noop("A lullaby composed with a music model."),
        declared_ai=True,
        categories=["other_generation"],
        then=approve,
        needs_ffmpeg=True,
    ),
]

POLICY_RULES = [
    ("replica-goods", "Counterfeit goods", "replica watches", False, "all"),
    (
        "gambling-cn",
        "Online gambling (prohibited in mainland China)",
        r"(博彩|赌球|online casino)",
        True,
        "cn",
    ),
    (
        "election-deepfake",
        "Deepfakes of candidates before an election",
        r"deepfake of (the )?(president|candidate)",
        True,
        "eu",
    ),
]


def seed_policy_rules(actor: User) -> None:
    for code, description, pattern, is_regex, region in POLICY_RULES:
        if not PolicyRule.objects.filter(code=code).exists():
            policy_rule_save(
                rule=PolicyRule(
                    code=code, description=description, pattern=pattern, is_regex=is_regex, region=region
                ),
                actor=actor,
            )


def _in_language(text: str) -> str:
    return _(text) if text else ""


def seed_story(users: dict[str, User], log: Callable[[str], None], language: str = "") -> bool:
    """Create the story once, its titles and texts in `language` (default: the site's, LANGUAGE_CODE;
    in English they are as written here). Returns False when it is already there."""
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        markers = {MARKER_TITLE, _in_language(MARKER_TITLE)}
        seeded = Submission.objects.filter(contributor=users["alice"], current_revision__title__in=markers)
        if seeded.exists():
            return False
        _seed(users, log)
    return True


def _seed(users: dict[str, User], log: Callable[[str], None]) -> None:
    seed_policy_rules(users["admin"])
    # Checks run right here (the real checks, inline); mail and texts stay in memory.
    with override_settings(
        BACKGROUND_JOBS=False,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SMS_BACKEND="accounts.sms.LocmemBackend",
        CONSENT_REQUEST_ON_SUBMIT=False,  # the story sends each request itself, as a contributor would
    ):
        for item in STORY:
            if item.needs_ffmpeg and not media.have_ffmpeg():
                log(f"  (skipped: {item.title}: video and audio are published with ffmpeg, not installed)")
                continue
            if item.needs_visible_marks and not settings.CHECK_VISIBLE_MARKS:
                log(f"  (skipped: {item.title}: the visible-mark check is off, CHECK_VISIBLE_MARKS=0)")
                continue
            if item.needs_visible_marks and media.mark_font() is None:
                log(f"  (skipped: {item.title}: no CJK font to draw its AI mark in, fonts-wqy-zenhei)")
                continue
            contributor = users[item.contributor]
            data = RevisionInput(
                title=_in_language(item.title),
                body=_in_language(item.body),
                prompt=item.prompt,
                declared_ai=item.declared_ai,
                categories=item.categories,
                region=item.region,
                no_real_person=not item.persons,
                persons=item.persons,
                consent_notice_acknowledged=True,  # the contributor ticks the consent notice (R24)
            )
            submission, outcome = submission_create(
                contributor=contributor, data=data, uploads=[_upload(name, make) for name, make in item.files]
            )
            if outcome.refused:
                raise RuntimeError(f"demo file refused: {outcome.refused}")
            if item.submit:
                submission_submit(submission=submission, actor=contributor)
                _run_checks(submission)
            if item.then is not None:
                item.then(submission, users)
            submission.refresh_from_db()
            if item.waited_hours and submission.status == "awaiting_review":
                _arrived_hours_ago(submission, item.waited_hours)
                submission.refresh_from_db()
            log(
                f"  #{submission.pk:<3} {item.contributor:<6} {submission.get_status_display():<18} "
                f"{submission.get_queue_display() if submission.status == 'awaiting_review' else '':<16} "
                f"{item.title}"
            )
