"""The demo publisher: an integration "Demo CMS" with an API key, and one submission it made
through the API's own service path (the author attested, the file through the intake)."""

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from accounts.selectors import current_terms
from api.schemas import SubmissionIn
from api.services import api_submission_create
from demo import media
from integrations.models import Integration, Scope
from integrations.services import apikey_create
from moderation.models import CheckRun
from moderation.pipeline.services import check_run_execute

DEMO_INTEGRATION = "Demo CMS"


def seed_integration(log: Callable[[str], None]) -> Integration:
    """Create the demo integration once and print its key once. A key is never stored in clear,
    so a second run cannot show it again: it says how to make a new one."""
    integration = Integration.objects.filter(name=DEMO_INTEGRATION).first()
    if integration is not None:
        log(f"  {DEMO_INTEGRATION}: already there; its key was printed when it was created.")
        log(
            "  For a new key: python manage.py create_api_key "
            f'"{DEMO_INTEGRATION}" --name demo --scopes submit,read,takedown,inspect '
            f"(or the admin: /admin/integrations/apikey/add/?integration={integration.pk})"
        )
        return integration
    integration = Integration.objects.create(name=DEMO_INTEGRATION)
    _key, full = apikey_create(integration=integration, name="demo", scopes=list(Scope.values), actor=None)
    terms = current_terms()
    data = SubmissionIn.model_validate(
        {
            "external_id": "demo-cms-article-1",
            "author": {
                "id": "demo-author-1",
                "name": "Zhang Min",
                "attestation": {
                    "method": "national_online_identity",
                    "reference": "demo-attestation-0001",
                    "verified_at": "2026-01-05T09:00:00+08:00",
                },
                "terms_version": terms.version if terms else "",
            },
            "title": "Lantern festival poster (from the Demo CMS)",
            "text": "A poster our design desk made with an image generator.",
            "ai_declaration": True,
            "categories": ["other_generation"],
            "no_real_person": True,
            "region": "cn",
        }
    )
    upload = SimpleUploadedFile("lanterns.jpg", media.picture("poster", seed=13), content_type="image/jpeg")
    with override_settings(BACKGROUND_JOBS=False):
        submission = api_submission_create(integration=integration, data=data, uploads=[upload])
    for run_id in CheckRun.objects.filter(submission=submission, status="pending").values_list(
        "pk", flat=True
    ):
        check_run_execute(run_id=run_id, worker="seed_demo")
    log(f"  {DEMO_INTEGRATION}: API key (shown once, keep it): {full}")
    log(f"  {DEMO_INTEGRATION}: submission #{submission.pk} (demo-cms-article-1) made through the API")
    return integration
