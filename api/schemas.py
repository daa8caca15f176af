"""The API's request and response shapes (the OpenAPI schema is generated from these)."""

import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

AttestedMethod = Literal["phone", "resident_id", "uscc", "national_online_identity"]


class AttestationIn(Schema):
    method: AttestedMethod
    reference: str = Field(min_length=1, max_length=100, description="Your reference of the verification.")
    verified_at: datetime.datetime


class AuthorIn(Schema):
    id: str = Field(min_length=1, max_length=200, description="The CMS's own author id.")
    name: str = Field("", max_length=200)
    attestation: AttestationIn | None = Field(
        None, description="Your real-name verification of the author (DS Art. 9); needed once per author."
    )
    terms_version: str = Field(
        "", max_length=32, description="The version of Provenant's terms the author accepted in your CMS."
    )


class PersonIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    relation: Literal["self", "other", "public_figure"] = "other"
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=20)


class SubmissionIn(Schema):
    """The JSON document of the `metadata` part of the multipart request."""

    external_id: str = Field(
        min_length=1,
        max_length=120,
        pattern=r"^[\x21-\x7e]+$",
        description="Your content id; written into each labelled file as GB 45438 PropagateID.",
    )
    author: AuthorIn
    title: str = Field(min_length=1, max_length=200)
    text: str = ""
    ai_declaration: bool = Field(
        description="Does it contain AI-generated or synthesised material? No default."
    )
    categories: list[
        Literal[
            "text_person_simulation",
            "voice_synthesis",
            "face_generation",
            "face_swap",
            "face_manipulation",
            "body_manipulation",
            "immersive_scene",
            "other_generation",
        ]
    ] = Field(default_factory=list)
    persons: list[PersonIn] = Field(default_factory=list)
    no_real_person: bool = False
    fictional_person: bool = Field(
        default=False,
        description="A face or voice synthesis of nobody real: the item goes to a senior moderator (R22).",
    )
    fictional_statement: str = Field(default="", max_length=2000, description="Why the person is fictional.")
    consent_notice_version: str = Field(
        default="",
        max_length=40,
        description=(
            "The version of our consent notice ('inform the person and obtain their separate consent') "
            "the author acknowledged in your CMS; required when persons are depicted or a face or "
            "voice is synthesised (R24). A 422 'incomplete' answer names the version in force."
        ),
    )
    region: Literal["cn", "eu", "other"] = "other"


class FindingOut(Schema):
    code: str
    severity: str
    message: str
    rule: str
    evidence: dict[str, Any]


class CheckRunOut(Schema):
    kind: str
    status: str
    finished_at: datetime.datetime | None
    findings: list[FindingOut]


class TierOut(Schema):
    value: str
    declared_ai: bool | None
    evidence: list[dict[str, Any]]


class ConsentOut(Schema):
    name: str
    relation: str
    state: str
    state_label: str
    since: datetime.datetime | None


class DecisionOut(Schema):
    outcome: str
    created_at: datetime.datetime
    explanation: str
    source: str
    statement_of_reasons: dict[str, Any]


class RenditionOut(Schema):
    media_type: str
    original_name: str
    tier: str
    explicit_label: str
    c2pa_status: str
    download_url: str
    download_expires_at: datetime.datetime
    implicit_label: dict[str, str] | None


class PublicationOut(Schema):
    published: bool
    published_at: datetime.datetime | None
    hidden_at: datetime.datetime | None
    text: str
    reminder: dict[str, str] | None
    renditions: list[RenditionOut]


class SubmissionOut(Schema):
    id: int
    external_id: str
    url: str
    status: str
    status_label: str
    revision: int | None
    title: str
    author: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    checks: list[CheckRunOut]
    tier: TierOut
    consent: list[ConsentOut]
    decision: DecisionOut | None
    publication: PublicationOut | None


class SubmissionPage(Schema):
    items: list[SubmissionOut]
    next_cursor: str | None


class TakedownIn(Schema):
    reason: str = Field(
        "publisher-request",
        min_length=1,
        max_length=64,
        description="A code of the policy list; by default publisher-request (you removed it).",
    )
    explanation: str = Field(min_length=1, max_length=4000, description="For the statement of reasons.")


class ProblemOut(Schema):
    """RFC 9457 problem details (application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


def problems(*codes: int) -> dict[int, type[ProblemOut]]:
    return {code: ProblemOut for code in codes}
