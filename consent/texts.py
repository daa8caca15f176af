"""The consent texts, versioned. A record stores the version AND the text exactly as rendered.

Changing a wording means adding a new version here and pointing CURRENT at it; older versions stay,
so any record can be traced to the template it came from. Each text asks for one thing only:
consent to this content (Deep Synthesis Provisions Art. 14 "separate consent", PIPL Art. 29).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The depicted person, on the public page reached by the link.
PERSON = "person"
# The contributor confirming that the only real person depicted is themself.
SELF = "self"
# The moderator approving a signed release document.
DOCUMENT = "document"

TEXTS: dict[str, dict[int, StrOrPromise]] = {
    PERSON: {
        1: _(
            'I, %(name)s, separately consent to %(contributor)s publishing "%(title)s" on %(site)s, in '
            "which my %(kinds)s is generated or edited by AI (%(categories)s), for %(region)s. This "
            "consent covers only this content and the %(files)s file(s) shown on this page. It is not "
            "part of any other terms. It is valid for %(days)s days and I may withdraw it at any time."
        ),
    },
    SELF: {
        1: _(
            'I, %(name)s, confirm that I am the real person shown or heard in "%(title)s" and separately '
            "consent to publishing it on %(site)s, in which my %(kinds)s is generated or edited by AI "
            "(%(categories)s), for %(region)s. This covers only this content and its %(files)s file(s). "
            "It is valid for %(days)s days."
        ),
    },
    DOCUMENT: {
        1: _(
            "The signed release document uploaded on %(uploaded)s shows that %(name)s separately "
            'consented to "%(title)s" being published on %(site)s with their %(kinds)s generated or '
            "edited by AI (%(categories)s), for %(region)s, covering its %(files)s file(s). Approved "
            "by moderator %(moderator)s; counts until %(expires)s."
        ),
    },
}
CURRENT = {PERSON: 1, SELF: 1, DOCUMENT: 1}


@dataclass(frozen=True)
class RenderedText:
    version: str
    text: str


def current_version(kind: str) -> str:
    return f"{kind}-{CURRENT[kind]}"


def render(kind: str, version: str | None = None, /, **params: object) -> RenderedText:
    """Fill a text in the active language. `version` defaults to the current one of `kind`."""
    version = version or current_version(kind)
    text_kind, _sep, number = version.rpartition("-")
    if text_kind != kind or not number.isdigit() or int(number) not in TEXTS[kind]:
        raise KeyError(version)
    return RenderedText(version=version, text=str(TEXTS[kind][int(number)]) % params)
