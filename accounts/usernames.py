"""Usernames that look like another: `ädmin` beside `admin`, `аdmin` with a Cyrillic а, `ＡＤＭＩＮ`.

`skeleton` folds a name to what it looks like, after Unicode TR39's idea: NFKC (full-width and
compatibility forms), case folding, accents dropped (NFD, combining marks removed), and the common
Cyrillic and Greek letters that look like Latin ones mapped to them. Two names with one skeleton are
confusable. A small table of our own rather than a dependency: it covers the letters a username
allows (Django's validator: letters, digits, @ . + - _) that are drawn like Latin ones.
"""

import unicodedata

from django.db.models import Q

from accounts.models import User

LOOKALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d",
        "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j",
        # Latin letters drawn like others
        "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŀ": "l",
    }
)  # fmt: skip
NON_ASCII = r"[^\x01-\x7f]"


def skeleton(username: str) -> str:
    folded = unicodedata.normalize("NFKC", username).casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare).translate(LOOKALIKES)


def confusable_username(username: str, *, exclude_pk: int | None = None) -> str | None:
    """An existing username that looks like this one, or None.

    Steps: an ASCII name whose skeleton equals the new one's is found by the database (case-blind);
    names with other characters, few, are folded here one by one."""
    target = skeleton(username)
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    if target.isascii():
        match = others.filter(username__iexact=target).values_list("username", flat=True).first()
        if match:
            return match
    for existing in others.filter(Q(username__regex=NON_ASCII)).values_list("username", flat=True).iterator():
        if skeleton(existing) == target:
            return existing
    return None
