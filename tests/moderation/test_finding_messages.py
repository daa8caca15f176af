"""Findings and check results in the reader's language: a check stores each finding's code and
parameters, and the page renders them at display time (moderation.finding_messages)."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from moderation.finding_messages import MESSAGES, render
from moderation.models import CheckRun, Finding
from tests.moderation.test_label_check import submit_file

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_it_stores_the_code_and_parameters_of_each_finding(alice: User, run_commit_hooks: Any) -> None:
    submission = submit_file(
        alice, "generated/c2pa_trainedAlgorithmicMedia.jpg", run_commit_hooks, declared_ai=False
    )
    finding = Finding.objects.get(run__submission=submission, code="declaration_contradicts_metadata")
    assert finding.params["key"] == "declaration_contradicts_metadata"
    assert finding.params["args"]["path"] == "c2pa_trainedAlgorithmicMedia.jpg"
    # The stored message (written at check time, in English) is what the English reader sees.
    with translation.override("en"):
        assert finding.display_message == finding.message
    with translation.override("zh-hans"):
        assert finding.display_message.startswith("文件“c2pa_trainedAlgorithmicMedia.jpg”：")
        assert finding.display_message.endswith("但投稿人声明未使用 AI")
    run = CheckRun.objects.get(submission=submission, kind="label")
    with translation.override("zh-hans"):
        assert run.title == "AI 标识"
        assert run.display_summary.startswith("等级 ")
        assert "机器可读标识表明为 AI 生成" in run.display_summary


def test_it_shows_findings_check_names_and_results_in_chinese_on_the_review_page(
    alice: User, mod: User, client: Client, run_commit_hooks: Any
) -> None:
    submission = submit_file(
        alice, "generated/c2pa_trainedAlgorithmicMedia.jpg", run_commit_hooks, declared_ai=False
    )
    client.force_login(mod)
    page = client.get(reverse("review_item", args=[submission.pk]), **ZH).content.decode()
    assert "但投稿人声明未使用 AI" in page
    assert "AI 标识" in page and "违禁内容" in page
    assert "but the contributor declared no AI" not in page
    english = client.get(reverse("review_item", args=[submission.pk]), **EN).content.decode()
    assert "but the contributor declared no AI" in english


def test_it_falls_back_to_the_stored_message_for_an_unknown_code() -> None:
    assert render({"key": "gone_since", "args": {"x": 1}}, "as stored") == "as stored"
    assert render({}, "as stored") == "as stored"
    # Arguments that no longer fit the template: the stored message, never a KeyError.
    assert render({"key": "file_unreadable", "args": {"path": "a.jpg"}}, "as stored") == "as stored"


def test_it_renders_nested_parts_in_the_readers_language() -> None:
    params = {
        "key": "conspicuous_label_required_undeclared",
        "args": {"categories": {"join": [{"key": "art17:face_swap"}], "sep": "; "}},
    }
    with translation.override("zh-hans"):
        assert (
            render(params, "")
            == "投稿人选择了人脸替换（第十七条第一款第（三）项），需要添加显式 AI 标识，但声明未使用 AI"
        )
    with translation.override("en"):
        assert render(params, "") == (
            "The contributor chose face swap (Art. 17(1)(3)), which needs a conspicuous AI label, but "
            "declared no AI"
        )


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_registered_message_has_a_chinese_translation(key: str) -> None:
    template = MESSAGES[key]
    english = str(template) if not isinstance(template, str) else template
    with translation.override("zh-hans"):
        chinese = gettext(template) if isinstance(template, str) else str(template)
    assert chinese != english, f"{key}: {english!r} has no Simplified Chinese translation"
