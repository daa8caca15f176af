"""The embedded default, files under MEDIA_ROOT: tools read the stored file itself (no copy) and
write their results in place; ranges are read without the rest of the file."""

from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from privatemedia.localcopy import local_copy, local_output
from privatemedia.storage import is_local, iter_range, local_path, read_range

DATA = bytes(range(256)) * 300


def test_it_gives_tools_the_stored_file_itself(settings: Any) -> None:
    name = default_storage.save("submissions/local.bin", ContentFile(DATA))
    with local_copy(name) as path:
        assert path == str(Path(settings.MEDIA_ROOT) / name) == local_path(name)
    assert default_storage.exists(name)  # the stored file, not a copy: still there
    assert is_local()


def test_it_writes_results_in_place() -> None:
    with local_output("renditions/local/r.png") as target:
        target.write_bytes(b"rendition")
    assert default_storage.open("renditions/local/r.png").read() == b"rendition"


def test_it_reads_ranges() -> None:
    name = default_storage.save("submissions/ranges.bin", ContentFile(DATA))
    assert b"".join(iter_range(name, 5, 70_000)) == DATA[5:70_001]
    assert read_range(name, len(DATA) - 3, 64) == DATA[-3:]
    assert b"".join(iter_range(name, 10, 9)) == b""
