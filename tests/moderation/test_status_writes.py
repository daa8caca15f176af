"""Nothing but moderation.lifecycle.submission_transition writes `Submission.status`.

The code is read, not run: every call with a `status=` keyword, every dict with a "status" key,
every `….status = …` assignment, every `update_fields` naming "status" and every SQL string
setting moderation_submission's status, in the application's packages. A write is reported
when it is clearly about a submission: the receiver names Submission, or the value is one of
moderation's Status members. Tests and bench/ set up states directly on purpose and are not read.
"""

import ast
import re
from pathlib import Path

import pytest

from moderation.models import Status

ROOT = Path(__file__).resolve().parents[2]
NOT_APPLICATION = {"tests", "bench", "docs", "locale", "static", "templates", "var", "test-artifacts"}
THE_WRITER = ROOT / "moderation" / "lifecycle.py"
STATUS_MODULES = {"moderation.models", "moderation.models.choices"}
# Calls that write what their keywords say (reads such as filter(status=…) are fine).
WRITES = {"update", "create", "get_or_create", "update_or_create", "save", "Submission"}
# The Submission model itself, not another model whose name ends in it (StatementSubmission).
SUBMISSION = re.compile(r"(?<!\w)Submission\b")
RAW_SQL = re.compile(r"moderation_submission\b.*\bSET\b[^;]*\bstatus\s*=", re.IGNORECASE | re.DOTALL)


def application_files() -> list[Path]:
    files = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0].startswith(".") or parts[0] in NOT_APPLICATION or "migrations" in parts:
            continue
        files.append(path)
    return files


def direct_status_writes(source: str) -> list[str]:
    """Where `source` writes a submission's status itself: ["line: code", …]."""
    tree = ast.parse(source)
    status_names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in STATUS_MODULES
        for alias in node.names
        if alias.name == "Status"
    }
    imports_submission = any(
        isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("moderation.models")
        and any(alias.name == "Submission" for alias in node.names)
        for node in ast.walk(tree)
    )

    def is_submission_status(value: ast.AST) -> bool:
        if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
            return value.value.id in status_names and value.attr in Status.names
        return isinstance(value, ast.Constant) and value.value in Status.values and imports_submission

    found = []
    for node in ast.walk(tree):
        where = f"{getattr(node, 'lineno', 0)}: {ast.unparse(node)[:120]}"
        if isinstance(node, ast.Call):
            receiver = ast.unparse(node.func)
            method = node.func.attr if isinstance(node.func, ast.Attribute) else receiver
            if method not in WRITES:
                continue
            for keyword in node.keywords:
                if keyword.arg == "status" and (
                    SUBMISSION.search(receiver) or is_submission_status(keyword.value)
                ):
                    found.append(where)
                if (
                    keyword.arg == "update_fields"
                    and imports_submission
                    and "'status'" in ast.unparse(keyword)
                ):
                    found.append(where)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "status" and is_submission_status(value):
                    found.append(where)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            flat = [
                t for target in targets for t in (target.elts if isinstance(target, ast.Tuple) else [target])
            ]
            if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in flat) and (
                imports_submission or status_names
            ):
                found.append(where)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and RAW_SQL.search(node.value):
            found.append(where)
    return found


def test_only_the_lifecycle_service_writes_a_submission_status() -> None:
    offenders = {
        str(path.relative_to(ROOT)): writes
        for path in application_files()
        if path != THE_WRITER and (writes := direct_status_writes(path.read_text()))
    }
    assert offenders == {}


def test_the_lifecycle_service_is_read() -> None:
    files = application_files()
    assert THE_WRITER in files
    assert ROOT / "moderation" / "review" / "decisions.py" in files
    assert direct_status_writes(THE_WRITER.read_text())  # it does write the status


@pytest.mark.parametrize(
    "source",
    [
        "from moderation.models import Submission\nSubmission.objects.filter(pk=1).update(status='approved')",
        "from moderation.models import Status\nqs.update(status=Status.APPROVED, decided_at=now)",
        "from moderation.models import Status as S\nfields = {'status': S.REJECTED}",
        "from moderation.models import Submission\nSubmission.objects.create(contributor=u, status='draft')",
        "from moderation.models import Submission\nitem.status = outcome\nitem.save()",
        "from moderation.models import Submission\nitem.save(update_fields=['status'])",
        "cursor.execute('UPDATE moderation_submission SET status = %s WHERE id = %s', [s, pk])",
    ],
)
def test_it_catches_each_kind_of_direct_write(source: str) -> None:
    assert len(direct_status_writes(source)) == 1


def test_it_leaves_reads_and_other_models_statuses_alone() -> None:
    source = (
        "from consent.models import ConsentRequest\n"
        "from moderation.models import Status, Submission\n"
        "ConsentRequest.objects.filter(pk=1).update(status=ConsentRequest.Status.SUPERSEDED)\n"
        "Submission.objects.filter(status=Status.APPROVED).exclude(status='draft').exists()\n"
        "data = {'status': submission.status}\n"
    )
    assert direct_status_writes(source) == []
