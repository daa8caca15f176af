"""The Simplified Chinese catalog: pages render in Chinese, and the catalog is complete and compiled.

The catalog checks read locale/zh_Hans/LC_MESSAGES/django.po directly, so a string added to the
code and extracted by makemessages but left untranslated, still fuzzy, or not compiled into the
.mo fails here rather than showing up in English on a Chinese page.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

# %(name)s, %(limit).1f, %(n)d … as Python's %-formatting reads them.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdif]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def where(self) -> str:
        return f"django.po:{self.line} {self.msgid[:60]!r}"


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: enough for what makemessages writes (no obsolete #~ entries kept)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal current
        if current is not None and (current.msgid or current.msgstr):
            entries.append(current)
        current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if current is None:
            current = Entry(line=number)
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line)
        if match:
            keyword, index, literal = match.groups()
            text = ast.literal_eval(literal)
            if keyword == "msgstr":
                target = ("msgstr", int(index or 0))
                current.msgstr[target[1]] = text
            else:
                target = (keyword, 0)
                setattr(current, keyword, text)
            continue
        assert line.startswith('"') and target is not None, f"django.po:{number}: cannot read {raw!r}"
        text = ast.literal_eval(line)
        if target[0] == "msgstr":
            current.msgstr[target[1]] += text
        else:
            setattr(current, target[0], (getattr(current, target[0]) or "") + text)
    finish()
    return entries


@pytest.fixture(scope="module")
def catalog() -> list[Entry]:
    assert PO_PATH.exists(), "run: manage.py makemessages -l zh_Hans --ignore=.venv …"
    return parse_po(PO_PATH)


@pytest.fixture(scope="module")
def messages(catalog: list[Entry]) -> list[Entry]:
    return [entry for entry in catalog if entry.msgid]


# --- Pages ---------------------------------------------------------------------------------------


def test_login_page_is_in_chinese(client: Client) -> None:
    response = client.get("/accounts/login/", **ZH)
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录 Provenant" in page
    assert "忘记密码？" in page
    assert "创建账号" in page
    assert "用户名" in page
    assert "Log in to Provenant" not in page


def test_login_page_stays_english_by_default(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert "Log in to Provenant" in page
    assert "登录 Provenant" not in page


def test_contributor_dashboard_is_in_chinese(uma_client: Client) -> None:
    response = uma_client.get("/submissions/", **ZH)
    assert response.status_code == 200
    page = response.content.decode()
    assert "我的投稿" in page  # title and navigation
    assert "投稿人" in page  # uma's role in the user menu
    assert "您还没有投稿。" in page
    # The real-name gate, worded as the Deep Synthesis Provisions do.
    assert "真实身份信息认证" in page
    assert "退出登录" in page


def test_moderator_home_is_in_chinese(mod_client: Client) -> None:
    response = mod_client.get("/review/", **ZH)
    assert response.status_code == 200
    page = response.content.decode()
    assert "认领下一条" in page
    assert "批量审核" in page
    assert "我今天的决定" in page
    assert "您当前没有认领的条目。认领下一条即可开始。" in page
    assert "待审核" in page  # the review queue's card
    # Keyboard letters stay Latin.
    assert "<kbd>n</kbd>" in page


def test_the_language_cookie_switches_too(mod_client: Client) -> None:
    mod_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = mod_client.get("/review/").content.decode()
    assert "认领下一条" in page


# --- The catalog ---------------------------------------------------------------------------------


def test_header_declares_the_language_and_plural_forms(catalog: list[Entry]) -> None:
    header = next(entry for entry in catalog if not entry.msgid)
    text = header.msgstr[0]
    assert "Language: zh_Hans\n" in text
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=1; plural=0;" in text
    assert "fuzzy" not in header.flags


def test_every_message_is_translated_and_not_fuzzy(messages: list[Entry]) -> None:
    assert len(messages) > 500, "the catalog looks truncated"
    fuzzy = [entry.where for entry in messages if "fuzzy" in entry.flags]
    empty = [entry.where for entry in messages if not all(s.strip() for s in entry.msgstr.values())]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    assert not empty, f"untranslated entries: {empty}"


def test_plural_entries_have_the_single_chinese_form(messages: list[Entry]) -> None:
    wrong = [entry.where for entry in messages if entry.msgid_plural is not None and set(entry.msgstr) != {0}]
    assert not wrong, f"plural entries need exactly msgstr[0]: {wrong}"


def test_translations_keep_their_placeholders(messages: list[Entry]) -> None:
    wrong = []
    for entry in messages:
        wanted = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for text in entry.msgstr.values():
            if set(PLACEHOLDER.findall(text)) != wanted:
                wrong.append(entry.where)
    assert not wrong, f"placeholders differ: {wrong}"


def test_translations_keep_their_markup(messages: list[Entry]) -> None:
    tags = re.compile(r"<[^>]+>")
    wrong = [
        entry.where
        for entry in messages
        if any(
            sorted(tags.findall(text)) != sorted(tags.findall(entry.msgid)) for text in entry.msgstr.values()
        )
    ]
    assert not wrong, f"HTML tags differ: {wrong}"


def test_the_mo_file_is_compiled_from_the_current_po(messages: list[Entry]) -> None:
    """compilemessages was run after the last change to the .po.

    Compared by content rather than by modification time: a git checkout gives both files the time
    of the checkout, in no fixed order.
    """
    assert MO_PATH.exists(), "run: manage.py compilemessages -l zh_Hans --ignore=.venv"
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    stale = []
    for entry in messages:
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if compiled.get(key) != entry.msgstr[0]:
                stale.append(entry.where)
        elif any(compiled.get((key, index)) != text for index, text in entry.msgstr.items()):
            stale.append(entry.where)
    assert not stale, f"django.mo is out of date (run compilemessages): {stale[:10]}"


def test_every_string_in_the_code_is_in_the_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """makemessages over the code, into a copy of the catalog: nothing new, nothing left to translate.

    The checks above read the catalog as committed; a string added to the code but never extracted
    would pass them and show up in English on a Chinese page. This runs the extraction the Makefile's
    `messages` target runs and fails naming what it found.
    """
    # makemessages writes to the locale folder nearest the code it reads: run it in a folder of
    # links to the code beside a copy of the catalog, so the real one is never touched.
    copy = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    copy.mkdir(parents=True)
    (copy / "django.po").write_bytes(PO_PATH.read_bytes())
    skip = {"locale", ".git", ".venv", "var", "test-artifacts", "tests", "bench", "node_modules"}
    for entry in Path(settings.BASE_DIR).iterdir():
        if entry.name not in skip:
            (tmp_path / entry.name).symlink_to(entry)
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["zh_Hans"], symlinks=True, no_obsolete=True, verbosity=0)
    extracted = parse_po(copy / "django.po")
    assert len(extracted) > 1000, "makemessages found no code to read"
    untranslated = [
        entry.msgid[:80]
        for entry in extracted
        if entry.msgid and (not all(entry.msgstr.values()) or not entry.msgstr or "fuzzy" in entry.flags)
    ]
    assert not untranslated, (
        f"run `make messages` and translate: {untranslated[:20]} ({len(untranslated)} in all)"
    )
