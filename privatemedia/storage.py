"""Reading stored files through the storage API, whatever holds them: the local disk by default,
an S3-compatible object store with `MEDIA_STORAGE=s3` (issue 19).

Opening a file on S3 through Django downloads the whole object first; these helpers read only the
bytes asked for (a ranged GET), so a player seeking in a 1 GB video or a sniff of a file's first
bytes costs what it reads.
"""

from collections.abc import Iterator

from django.core.files.storage import Storage, default_storage

CHUNK = 64 * 1024


def local_path(name: str, storage: Storage | None = None) -> str | None:
    """The file's path on this machine when the storage keeps files on a local disk, else None."""
    storage = storage or default_storage
    try:
        return storage.path(name)
    except NotImplementedError:
        return None


def iter_range(name: str, start: int, end: int, storage: Storage | None = None) -> Iterator[bytes]:
    """Bytes `start` to `end` (inclusive) of a stored file, in chunks, without reading the rest."""
    storage = storage or default_storage
    if end < start:
        return
    ranged = getattr(storage, "iter_range", None)
    if ranged is not None:
        yield from ranged(name, start, end)
        return
    with storage.open(name, "rb") as source:
        source.seek(start)
        left = end - start + 1
        while left > 0:
            data = source.read(min(CHUNK, left))
            if not data:
                return
            left -= len(data)
            yield data


def read_range(name: str, start: int, length: int, storage: Storage | None = None) -> bytes:
    """Up to `length` bytes of a stored file from `start` (fewer at its end)."""
    return b"".join(iter_range(name, start, start + length - 1, storage))


def is_local(storage: Storage | None = None) -> bool:
    """True when files are on this machine's disk (the web server may send them itself)."""
    return local_path("probe", storage) is not None
