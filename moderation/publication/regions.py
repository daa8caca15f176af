"""Where a reader is, for content restricted in some regions (a territorial restriction).

The proxy in front of the app knows the reader's country (a CDN's country header, a GeoIP
module) and passes it in PUBLICATION_COUNTRY_HEADER as an ISO 3166 code. Without it we cannot
tell, and a restricted item is withheld: a restriction must hold where it applies.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from moderation.models import Region, Status, Submission

EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)


def visitor_region(request: HttpRequest) -> str | None:
    """The reader's Region, or None when the proxy did not say."""
    header = settings.PUBLICATION_COUNTRY_HEADER
    if not header:
        return None
    key = "HTTP_" + header.upper().replace("-", "_")
    country = request.META.get(key, "").strip().upper()
    if len(country) != 2 or not country.isalpha():
        return None
    if country == "CN":
        return Region.CN
    if country in EU_COUNTRIES:
        return Region.EU
    return Region.OTHER


def withheld_regions(submission: Submission) -> list[str]:
    """The regions a restricted item is withheld in (from its restriction in force)."""
    from moderation.publication.takedown import restriction_in_force

    if submission.status != Status.RESTRICTED:
        return []
    decision = restriction_in_force(submission)
    return list(decision.territorial_scope) if decision else []


def withheld_response(request: HttpRequest, submission: Submission) -> HttpResponse | None:
    """HTTP 451 for a reader in a region the item is withheld in (or whose region is unknown)."""
    regions = withheld_regions(submission)
    if not regions:
        return None
    region = visitor_region(request)
    if region is not None and region not in regions:
        return None
    return render(
        request,
        "moderation/withheld.html",
        {"regions": [Region(region).label for region in regions], "submission": submission},
        status=451,
    )
