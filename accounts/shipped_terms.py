"""The terms Provenant ships (accounts/migrations/0006_default_terms.py), marked for translation.

`TermsVersion.paragraphs` shows each paragraph in the reader's language while the text in force is
this shipped one; terms an administrator wrote show as written. A test keeps these paragraphs equal
to the migration's text.
"""

# ruff: noqa: E501
from django.utils.translation import gettext_noop

TITLE = gettext_noop("Terms of service")
PARAGRAPHS = [
    gettext_noop(
        "These terms bind everyone who uses this service to publish content. Please read the labelling rules (sections 3 and 4) with care: the law requires them of you and of us."
    ),
    gettext_noop(
        "1. Real-name verification. Before you publish anything you verify your identity with a mobile phone number, your resident ID card (checked with your carrier or the national online identity authentication service), your organisation's Unified Social Credit Code with its business licence, or a document an administrator reviews. We keep only what the law requires and never show your full number."
    ),
    gettext_noop(
        "2. Declaring AI content. When you submit content generated or synthesised with artificial intelligence, in whole or in part, you declare it on the submission form and use the labelling this service provides. Content that generates or edits a real person's face, voice or body also needs that person's separate consent."
    ),
    gettext_noop(  # xgettext:no-python-format
        '3. How AI content is labelled. We label AI-generated content in three ways, as the Labeling Measures and the national standard GB 45438-2025 require.\n(a) Explicit labels, which people see or hear: on images a text such as "AI生成" / "AI-generated" at an edge or corner, at least 5% of the shorter side high; on video the same on the first frame and around the player; on audio a spoken or rhythmic prompt at the start, middle or end; on text a notice at the start, at the end or beside it.\n(b) Implicit labels, in the file\'s metadata: machine-readable marks (the TC260 AIGC label, C2PA content credentials and the IPTC digital source type) that name the content as AI-generated, its producer, this service as the platform that spread it, and a content ID.\n(c) A reminder shown beside the published content, saying that it "is", "may be" or "is suspected to be" AI-generated, depending on what the file\'s own labels, your declaration and our checks show.\nDownloads, copies and exports keep their labels.'
    ),
    gettext_noop(
        "4. Never remove or falsify labels. You may not delete, tamper with, forge or conceal any explicit or implicit label, ours or anyone else's, nor provide tools or services that help others do so, nor harm anyone's rights by labelling content wrongly. Content whose labels were removed or falsified may be refused or taken down."
    ),
    gettext_noop(
        "5. Sanctions. Breaking these terms or the law leads, depending on its gravity, to a warning, a restriction of functions, a suspension of the service or the closure of the account, and where the law requires it to a report to the competent authority. We keep records of what we decide and why."
    ),
    gettext_noop(
        "6. Appeals. You can appeal any decision about your content or your account. My account shows where to write; a person reviews every appeal and answers within the time published there."
    ),
    gettext_noop(
        "7. Changes. When these terms change, you are asked to read and accept the new version before you go on using the service."
    ),
]
