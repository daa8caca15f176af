"""Finding and check-summary messages in the reader's language.

A check stores what each finding means as a message spec (``Finding.params``, ``CheckRun.summary_params``):
``{"key": <registry key>, "args": {...}}``, the key being the finding's code or ``<code>:<variant>``.
This registry maps each key to its gettext template (marked with ``gettext_noop`` where it is
written, so makemessages finds it); the page renders the spec at display time, in the language of
whoever reads it. A key the registry does not know (an older row, a removed code) or arguments that
no longer fit its template fall back to the message stored at check time.

Argument values are plain values, or nested specs (``spec``), or joins of specs (``join``), so a
message built from several translated parts translates as a whole.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext

MESSAGES: dict[str, str | Promise] = {}


def register_messages(messages: Mapping[str, str | Promise]) -> None:
    """Add templates (msgids marked with gettext_noop, or lazy translations) under their keys."""
    MESSAGES.update(messages)


def spec(key: str, **args: Any) -> dict[str, Any]:
    return {"key": key, "args": args} if args else {"key": key}


def join(specs: Iterable[dict[str, Any]], sep: str = "; ") -> dict[str, Any]:
    return {"join": list(specs), "sep": sep}


def render(params: Mapping[str, Any] | None, fallback: str) -> str:
    """The message ``params`` describe, in the active language; ``fallback`` if it cannot be built."""
    if not params:
        return fallback
    try:
        return str(_render(params))
    except (KeyError, TypeError, ValueError):
        return fallback


def _render(value: Any) -> Any:
    if isinstance(value, dict):
        if "join" in value:
            return str(value.get("sep", "; ")).join(str(_render(item)) for item in value["join"])
        template = MESSAGES[value["key"]]
        text = gettext(template) if isinstance(template, str) else str(template)
        args = value.get("args")
        if args:
            text = text % {name: _render(arg) for name, arg in args.items()}
        return text.lower() if value.get("lower") else text
    if isinstance(value, list):
        return ", ".join(str(_render(item)) for item in value)
    return value


def say(key: str, **args: Any) -> tuple[str, dict[str, Any]]:
    """The message of ``key`` with ``args`` in the active language, and its spec to store beside it."""
    params = spec(key, **args)
    return str(_render(params)), params
