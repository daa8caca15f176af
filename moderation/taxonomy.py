"""The policy reasons Provenant ships (migrations 0002 and reason_outcomes), marked for translation.

Reasons are rows admins edit; the wording shipped here is in the catalog, so `PolicyReason.display_title`
shows it in the reader's language, and a reason an admin reworded shows as written. Which finding
suggests which reason, per outcome, is `SUGGESTIONS`.
"""

from django.utils.translation import gettext_noop

SHIPPED_WORDING = [
    gettext_noop("AI-generated content not declared"),
    gettext_noop("The content is AI-generated or synthesised but was submitted as authentic."),
    gettext_noop("No consent from a depicted person"),
    gettext_noop("A real person's face or voice is synthesised without their separate consent."),
    gettext_noop("AI label removed or altered"),
    gettext_noop("Provenance or AI labels in the file were removed, forged or altered."),
    gettext_noop("False information made with deep synthesis"),
    gettext_noop("The content presents fabricated events or statements as real news."),
    gettext_noop("Impersonation of a real person"),
    gettext_noop("The content imitates a real person in a way that misleads about who speaks or acts."),
    gettext_noop("Prohibited content"),
    gettext_noop("The content matches the prohibited-content feature library."),
    gettext_noop("Needs changes before publication"),
    gettext_noop("The content can be published once the requested changes are made."),
    gettext_noop("Correct the AI declaration"),
    gettext_noop(
        "The files or the text show AI generation: declare it (and the service used) so the content is "
        "labelled."
    ),
    gettext_noop("Get the depicted person's consent"),
    gettext_noop(
        "A real person is depicted or synthesised: send them the consent request, or upload their "
        "signed release."
    ),
    gettext_noop("Add a caption or context"),
    gettext_noop("Readers need a caption or context to understand what the content shows."),
]

# Finding code -> the reason code suggested for (rejection, change request); the first finding
# (blocking before warning) that suggests one wins.
SUGGESTIONS: dict[str, tuple[str, str]] = {
    "consent_missing": ("missing-consent", "get-consent"),
    "consent_person_undeclared": ("missing-consent", "get-consent"),
    "c2pa_tampered": ("label-tampering", "declare-ai"),
    "c2pa_manifest_missing": ("label-tampering", "declare-ai"),
    "declaration_contradicts_metadata": ("unlabelled-ai", "declare-ai"),
    "suspected_ai_undeclared": ("unlabelled-ai", "declare-ai"),
    "conspicuous_label_required_undeclared": ("unlabelled-ai", "declare-ai"),
    "policy_match": ("prohibited-content", "quality"),
    "bank_match": ("prohibited-content", "quality"),
    "biometric_edit": ("missing-consent", "get-consent"),
}
