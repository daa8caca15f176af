"""The contributor's pages over HTTP: upload, dashboard, detail, media, withdraw, revise."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from accounts.roles import Role
from moderation.models import MediaFile, Status, Submission
from tests.conftest import client_for
from tests.factories import make_user
from tests.media_samples import HTML, bomb_png, fixture_bytes, image_bytes, upload
from tests.moderation.builders import draft, submitted, unique_image


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Sunset over Shanghai",
        "body": "A photo essay.",
        "declared_ai": "yes",
        "categories": ["other_generation"],
        "region": "cn",
        "no_real_person": "on",
        "persons-TOTAL_FORMS": "1",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "0",
        "persons-MAX_NUM_FORMS": "20",
        "persons-0-name": "",
        "action": "submit",
    }
    data.update(overrides)
    return data


# --- New submission ---------------------------------------------------------------------------


def test_it_submits_text_and_files_and_runs_the_checks(
    alice_client: Client, alice: User, run_commit_hooks: Any
) -> None:
    files = [upload("sunset.jpg", image_bytes("JPEG")), upload("clip.webm", fixture_bytes("clip.webm"))]
    with run_commit_hooks(execute=True):
        response = alice_client.post("/submissions/new/", form_data(media_files=files))
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response.url == f"/submissions/{submission.pk}/"
    assert submission.status == Status.AWAITING_REVIEW
    media = list(submission.current_revision.media.order_by("id"))
    assert [(m.original_name, m.mime_type, m.kind) for m in media] == [
        ("sunset.jpg", "image/jpeg", "image"),
        ("clip.webm", "video/webm", "video"),
    ]
    assert all(len(m.sha256) == 64 and m.size > 0 for m in media)
    assert all(m.file.name.startswith("submissions/") and "sunset" not in m.file.name for m in media)
    assert media[0].thumbnail.name.endswith(".thumb.jpg")


def test_it_keeps_the_accepted_files_and_names_each_refused_one(alice_client: Client) -> None:
    files = [
        upload("good.png", image_bytes("PNG")),
        upload("page.jpg", HTML, "image/jpeg"),
        upload("bomb.png", bomb_png(10_000, 10_000)),
    ]
    response = alice_client.post(
        "/submissions/new/", form_data(media_files=files, action="save"), follow=True
    )
    submission = Submission.objects.get()
    assert submission.status == Status.DRAFT
    assert list(submission.current_revision.media.values_list("original_name", flat=True)) == ["good.png"]
    messages = [str(m) for m in response.context["messages"]]
    assert "page.jpg was not accepted: the file is an HTML page." in messages
    assert (
        "bomb.png was not accepted: the image is 10000 × 10000 pixels, more than the 50 million pixels "
        "allowed (a decompression bomb?)."
    ) in messages
    assert "Saved as a draft." in messages
    assert response.redirect_chain[-1][0] == f"/submissions/{submission.pk}/edit/"


def test_it_requires_an_explicit_ai_declaration(alice_client: Client) -> None:
    response = alice_client.post("/submissions/new/", form_data(declared_ai=""))
    assert response.status_code == 200
    assert response.context["form"].errors["declared_ai"] == ["This field is required."]
    assert not Submission.objects.exists()


def test_it_offers_no_default_for_the_declaration(alice_client: Client) -> None:
    html = alice_client.get("/submissions/new/").content.decode()
    assert 'name="declared_ai" value="yes"' in html
    assert 'value="yes" class="form-check-input" id="id_declared_ai_0" required checked' not in html
    assert "checked" not in html.split('name="declared_ai"')[1].split(">")[0]


def test_it_asks_for_a_contact_for_another_real_person(alice_client: Client) -> None:
    data = form_data(**{"no_real_person": "", "persons-0-name": "Carol", "persons-0-relation": "other"})
    response = alice_client.post("/submissions/new/", data)
    assert response.status_code == 200
    assert response.context["persons"].forms[0].errors["email"] == [
        "Give an e-mail or phone number so we can ask this person for consent."
    ]


def test_it_shows_the_gate_to_an_unverified_contributor_and_refuses_the_post(db: None) -> None:
    client = client_for(make_user("newbie", Role.CONTRIBUTOR))
    page = client.get("/submissions/new/")
    assert b"You cannot submit content yet." in page.content
    assert b"Verify your identity before submitting" in page.content
    response = client.post("/submissions/new/", form_data())
    assert response.status_code == 200
    assert not Submission.objects.exists()


@pytest.mark.parametrize("persona", ["mod_client", "oscar_client"])
def test_it_keeps_non_contributors_off_the_contributor_pages(
    db: None, persona: str, request: pytest.FixtureRequest
) -> None:
    client: Client = request.getfixturevalue(persona)
    assert client.get("/submissions/").status_code == 403
    assert client.get("/submissions/new/").status_code == 403


# --- Dashboard --------------------------------------------------------------------------------


def test_it_lists_only_my_submissions(alice_client: Client, alice: User, bob: User) -> None:
    mine = draft(alice, title="Mine")
    draft(bob, title="Not mine")
    response = alice_client.get("/submissions/")
    assert [s for s, _decision in response.context["rows"]] == [mine]
    assert b"Not mine" not in response.content


def test_it_keeps_the_dashboard_query_count_flat(
    alice_client: Client, alice: User, django_assert_max_num_queries: Any
) -> None:
    submitted(alice)
    alice_client.get("/submissions/")  # warm up sessions and caches
    with django_assert_max_num_queries(12) as few:
        alice_client.get("/submissions/")
    for _ in range(24):
        submitted(alice)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = alice_client.get("/submissions/")
    assert len(response.context["rows"]) == 20


def test_it_shows_check_progress_while_checking(alice_client: Client, alice: User) -> None:
    submitted(alice)  # runs pending: no commit ran them
    html = alice_client.get("/submissions/").content.decode()
    assert ">0/3<" in html


# --- Detail and media -------------------------------------------------------------------------


def test_it_shows_the_detail_to_the_owner_and_reviewers_only(
    alice: User, run_commit_hooks: Any, mod_client: Client, alice_client: Client, bob_client: Client
) -> None:
    submission = submitted(alice, files=[unique_image()])
    url = f"/submissions/{submission.pk}/"
    assert alice_client.get(url).status_code == 200
    assert mod_client.get(url).status_code == 200
    assert bob_client.get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_it_serves_media_only_through_the_access_check(
    alice: User, alice_client: Client, bob_client: Client, mod_client: Client, oscar_client: Client
) -> None:
    submission = draft(alice, files=[unique_image()])
    media = MediaFile.objects.get()
    url = f"/submissions/{submission.pk}/media/{media.pk}/"
    response = alice_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith('inline; filename="photo-')
    assert b"".join(response.streaming_content) == media.file.open("rb").read()
    download = alice_client.get(url + "?download=1")
    assert download["Content-Disposition"].startswith("attachment;")
    assert mod_client.get(url).status_code == 404  # a draft never submitted is alice's alone
    assert bob_client.get(url).status_code == 404
    assert oscar_client.get(url).status_code == 404
    assert Client().get(url).status_code == 302
    # A media id from another submission is not reachable through this one.
    other = draft(alice, files=[unique_image()])
    assert alice_client.get(f"/submissions/{other.pk}/media/{media.pk}/").status_code == 404


def test_it_hands_media_to_the_web_server_when_configured(
    alice: User, alice_client: Client, settings: Any
) -> None:
    settings.MEDIA_ACCEL = "x-accel-redirect"
    submission = draft(alice, files=[unique_image()])
    media = MediaFile.objects.get()
    response = alice_client.get(f"/submissions/{submission.pk}/media/{media.pk}/")
    assert response["X-Accel-Redirect"] == "/protected-media/" + media.file.name
    assert response.content == b""


def test_it_makes_a_thumbnail_on_demand(alice: User, alice_client: Client) -> None:
    submission = draft(alice, files=[upload("big.png", image_bytes("PNG", (1200, 900)))])
    media = MediaFile.objects.get()
    MediaFile.objects.update(thumbnail="")
    response = alice_client.get(f"/submissions/{submission.pk}/media/{media.pk}/thumbnail/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    import io

    from PIL import Image

    thumb = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert max(thumb.size) == 480


# --- Transitions over HTTP ---------------------------------------------------------------------


@pytest.mark.parametrize("action", ["withdraw", "submit", "revise"])
def test_it_refuses_get_on_changes(alice: User, alice_client: Client, action: str) -> None:
    submission = draft(alice)
    assert alice_client.get(f"/submissions/{submission.pk}/{action}/").status_code == 405


@pytest.mark.parametrize("action", ["withdraw", "submit", "revise", "edit"])
def test_it_guards_each_change(alice: User, action: str, bob_client: Client, mod_client: Client) -> None:
    submission = draft(alice)
    url = f"/submissions/{submission.pk}/{action}/"
    assert bob_client.post(url).status_code == 404
    assert mod_client.post(url).status_code == 404  # reviewers do not learn of a draft never submitted
    response = Client().post(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_it_withdraws_from_the_detail_page(alice: User, alice_client: Client) -> None:
    submission = submitted(alice)
    response = alice_client.post(f"/submissions/{submission.pk}/withdraw/", follow=True)
    submission.refresh_from_db()
    assert submission.status == Status.WITHDRAWN
    assert "Withdrawn. It will not be published." in [str(m) for m in response.context["messages"]]


def test_it_explains_a_refused_withdrawal(alice: User, alice_client: Client) -> None:
    submission = submitted(alice)
    Submission.objects.filter(pk=submission.pk).update(status=Status.APPROVED)
    response = alice_client.post(f"/submissions/{submission.pk}/withdraw/", follow=True)
    assert "This submission is approved, so it cannot be withdrawn." in [
        str(m) for m in response.context["messages"]
    ]


def test_it_opens_a_revision_and_resubmits(alice: User, alice_client: Client) -> None:
    submission = submitted(alice)
    Submission.objects.filter(pk=submission.pk).update(status=Status.CHANGES_REQUESTED)
    response = alice_client.post(f"/submissions/{submission.pk}/revise/")
    assert response.status_code == 302 and response.url == f"/submissions/{submission.pk}/edit/"
    edit = alice_client.get(response.url)
    assert edit.status_code == 200
    assert edit.context["form"].initial["title"] == "A day at the lake"
    response = alice_client.post(response.url, form_data(title="Fixed title"))
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED
    assert (submission.current_revision.number, submission.current_revision.title) == (2, "Fixed title")


def test_it_reports_check_status_as_json(alice: User, alice_client: Client, bob_client: Client) -> None:
    submission = submitted(alice)
    data = alice_client.get(f"/submissions/{submission.pk}/checks.json").json()
    assert data["status"] == "submitted"
    assert data["finished"] is False
    assert sorted(check["kind"] for check in data["checks"]) == ["consent", "label", "policy"]
    assert bob_client.get(f"/submissions/{submission.pk}/checks.json").status_code == 404


def test_it_asks_who_a_named_person_is(alice_client: Client) -> None:
    data = form_data(
        **{"no_real_person": "", "persons-0-name": "Carol", "persons-0-email": "carol@example.com"}
    )
    response = alice_client.post("/submissions/new/", data)
    assert response.status_code == 200
    assert response.context["persons"].forms[0].errors["relation"] == ["Say who this person is."]
    assert not Submission.objects.exists()
