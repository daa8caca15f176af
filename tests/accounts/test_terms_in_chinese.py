"""The terms Provenant ships read in the reader's language; terms an administrator wrote show as
written (issue 11, rough edge 14)."""

import importlib

from django.test import Client
from django.utils import translation

from accounts.models import TermsVersion
from accounts.shipped_terms import PARAGRAPHS

shipped = importlib.import_module("accounts.migrations.0006_default_terms")


def test_the_marked_paragraphs_are_the_shipped_text() -> None:
    parts = [part.strip() for part in shipped.BODY.split("\n\n") if part.strip()]
    assert parts == PARAGRAPHS


def shipped_terms() -> TermsVersion:
    """The migration's terms (the test settings start without terms in force)."""
    return TermsVersion.objects.create(version="shipped", title=shipped.TITLE, body=shipped.BODY)


def test_the_shipped_terms_read_in_chinese(db: None) -> None:
    terms = shipped_terms()
    with translation.override("zh-hans"):
        assert terms.display_title == "服务条款"
        assert terms.paragraphs[1].startswith("一、真实身份认证。")
        assert all(paragraph not in PARAGRAPHS for paragraph in terms.paragraphs)
    with translation.override("en"):
        assert terms.paragraphs[1].startswith("1. Real-name verification.")


def test_the_terms_page_is_chinese_for_a_chinese_reader(uma_client: Client) -> None:
    shipped_terms()
    page = uma_client.get("/accounts/terms/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "四、不得删除或伪造标识。" in page
    assert "Never remove or falsify labels" not in page


def test_terms_an_administrator_wrote_show_as_written(db: None) -> None:
    terms = TermsVersion.objects.create(version="2", title="Our terms", body="Be kind.\n\nLabel AI.")
    with translation.override("zh-hans"):
        assert terms.paragraphs == ["Be kind.", "Label AI."]
        assert terms.display_title == "Our terms"
