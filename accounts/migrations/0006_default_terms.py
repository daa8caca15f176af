"""Terms of service in force from the first `migrate`, so the submission gate asks for them on a
fresh install (Labeling Measures Arts. 8 and 10, Deep Synthesis Provisions Arts. 8-10, rule R34).

The text explains the labelling methods and styles and forbids removing, tampering with, forging
or concealing labels. An installation that already has terms keeps them. Administrators edit
this version in the admin until someone has accepted it, then publish new versions.
"""

from django.db import migrations
from django.utils import timezone

VERSION = "1"
TITLE = "Terms of service"
BODY = """\
These terms bind everyone who uses this service to publish content. Please read the labelling \
rules (sections 3 and 4) with care: the law requires them of you and of us.

1. Real-name verification. Before you publish anything you verify your identity with a mobile \
phone number, your resident ID card (checked with your carrier or the national online identity \
authentication service), your organisation's Unified Social Credit Code with its business \
licence, or a document an administrator reviews. We keep only what the law requires and never show your full \
number.

2. Declaring AI content. When you submit content generated or synthesised with artificial \
intelligence, in whole or in part, you declare it on the submission form and use the labelling \
this service provides. Content that generates or edits a real person's face, voice or body also \
needs that person's separate consent.

3. How AI content is labelled. We label AI-generated content in three ways, as the Labeling \
Measures and the national standard GB 45438-2025 require.
(a) Explicit labels, which people see or hear: on images a text such as "AI生成" / \
"AI-generated" at an edge or corner, at least 5% of the shorter side high; on video the same on \
the first frame and around the player; on audio a spoken or rhythmic prompt at the start, middle \
or end; on text a notice at the start, at the end or beside it.
(b) Implicit labels, in the file's metadata: machine-readable marks (the TC260 AIGC label, C2PA \
content credentials and the IPTC digital source type) that name the content as AI-generated, \
its producer, this service as the platform that spread it, and a content ID.
(c) A reminder shown beside the published content, saying that it "is", "may be" or "is \
suspected to be" AI-generated, depending on what the file's own labels, your declaration and \
our checks show.
Downloads, copies and exports keep their labels.

4. Never remove or falsify labels. You may not delete, tamper with, forge or conceal any explicit \
or implicit label, ours or anyone else's, nor provide tools or services that help others do so, \
nor harm anyone's rights by labelling content wrongly. Content whose labels were removed or \
falsified may be refused or taken down.

5. Sanctions. Breaking these terms or the law leads, depending on its gravity, to a warning, a \
restriction of functions, a suspension of the service or the closure of the account, and where \
the law requires it to a report to the competent authority. We keep records of what we decide \
and why.

6. Appeals. You can appeal any decision about your content or your account. My account shows \
where to write; a person reviews every appeal and answers within the time published there.

7. Changes. When these terms change, you are asked to read and accept the new version before you \
go on using the service.
"""


def ship_default_terms(apps, schema_editor):
    TermsVersion = apps.get_model("accounts", "TermsVersion")
    if TermsVersion.objects.exists():
        return
    now = timezone.now()
    TermsVersion.objects.create(version=VERSION, title=TITLE, body=BODY, published_at=now, created_at=now)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_identity_providers")]

    operations = [migrations.RunPython(ship_default_terms, migrations.RunPython.noop)]
