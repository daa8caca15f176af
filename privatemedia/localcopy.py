"""A path for the tools that need one (ffmpeg, c2pa, exiftool, mmap), whatever holds the file.

On the local disk the stored file's own path is used, no copy. On an object store the file is
streamed to a temporary file on this machine (never held in memory), refused past a size bound,
and removed when the block ends, so a worker needs no copy of anything on its own disk. Results
are written to a temporary path and then saved through the storage.
"""

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db.models.fields.files import FieldFile

from privatemedia.storage import iter_range, local_path


class LocalCopyTooLarge(OSError):
    """The stored file is larger than a local copy may be (MEDIA_LOCAL_COPY_MAX_MB)."""


def _name_of(field_or_name: FieldFile | str) -> str:
    name = field_or_name if isinstance(field_or_name, str) else field_or_name.name
    if not name:
        raise FileNotFoundError("no stored file")
    return name


def _suffix(name: str) -> str:
    # Tools such as ffmpeg pick a muxer from the extension: the copy keeps the stored one.
    return Path(name).suffix[:16]


@contextlib.contextmanager
def local_copy(field_or_name: FieldFile | str, *, storage: Storage | None = None) -> Iterator[str]:
    """A local path holding the stored file's bytes for the duration of the block (read only)."""
    storage = storage or default_storage
    name = _name_of(field_or_name)
    path = local_path(name, storage)
    if path is not None:
        yield path
        return
    limit = settings.MEDIA_LOCAL_COPY_MAX_MB * 1024 * 1024
    size = storage.size(name)
    if size > limit:
        raise LocalCopyTooLarge(f"{name}: {size} bytes, more than a local copy may be ({limit})")
    with tempfile.NamedTemporaryFile(
        prefix="provenant-", suffix=_suffix(name), dir=settings.MEDIA_TEMP_DIR
    ) as copy:
        written = 0
        for chunk in iter_range(name, 0, size - 1, storage):
            written += len(chunk)
            if written > limit:  # never more than the bound, whatever the store sends
                raise LocalCopyTooLarge(f"{name}: more than {limit} bytes")
            copy.write(chunk)
        copy.flush()
        yield copy.name


@contextlib.contextmanager
def local_output(name: str, *, storage: Storage | None = None) -> Iterator[Path]:
    """A path to write a new file to; when the block ends without an error the file is stored
    as `name` (on the local disk it is written in place). Nothing is stored on an error."""
    storage = storage or default_storage
    path = local_path(name, storage)
    if path is not None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        yield target
        return
    folder = tempfile.mkdtemp(prefix="provenant-out-", dir=settings.MEDIA_TEMP_DIR)
    try:
        target = Path(folder) / ("output" + _suffix(name))
        yield target
        if target.exists():
            with open(target, "rb") as result:
                saved = storage.save(name, File(result, name=os.path.basename(name)))
            if saved != name:  # a name is never reused; the storage must not pick another
                storage.delete(saved)
                raise FileExistsError(f"{name} already stored")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
