"""Append-only CSV files: locked, durable appends and a reader that survives damage.

An append takes the file's lock, reads only the header line (to follow the column order of
a file someone re-saved from a spreadsheet) and the last byte, then writes the row in one
``write`` and fsyncs it. Its cost does not grow with the file. A write that fails (a full
disk, an I/O error) is undone: exactly the bytes this call appended are cut off again, and
a file this call created is removed, so an error always means that nothing was stored.

The reader reports, rather than raises on, records that are not well-formed CSV, such as
the torn last line of a writer that was killed or a cell longer than `CELL_LIMIT`, and
then carries on after them. It never reads the inside of a quoted cell as a record of its
own: a note may hold any text.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from filelock import FileLock

from .errors import JournalError
from .words import plural

__all__ = [
    "CELL_LIMIT",
    "Record",
    "append_rows",
    "cell_limit",
    "locked",
    "long_cell",
    "private_output",
    "read_records",
    "roll_back",
    "rollback_point",
    "table_names",
    "write_private",
]

FILE_MODE = 0o600
DIR_MODE = 0o700
LOCK_TIMEOUT_S = 30.0
# Windows opens files in text mode unless told otherwise, which would rewrite line ends.
_BINARY = getattr(os, "O_BINARY", 0)
#: The longest cell a record may have: the `csv` module's own default limit. A record with
#: a longer cell is damaged (`long_cell` says why); the records after it are read as usual.
CELL_LIMIT = 131_072
# The csv module's limit is one setting for the whole process: whoever changes it holds
# this lock, so that two readers never put back each other's limit.
_LIMIT_LOCK = threading.RLock()
# The limit is a C long, 32 bits on Windows.
_MOST = 2**31 - 1


# Compared by identity, never changed once made, and not shown: a dataclass without the
# generated __eq__, __repr__ and frozen __setattr__ and __delattr__ (each compiled from
# source at import, which every cold `acutrack log` pays) is several times quicker to make.
@dataclass(eq=False, repr=False)
class Record:
    """One CSV record: the line it starts on (1 = header), its cells and its last line."""

    line: int
    cells: list[str]
    end: int = 0


def lock_for(path: Path, timeout: float = LOCK_TIMEOUT_S) -> FileLock:
    """The lock guarding ``path`` (a hidden file beside it, private like the journal)."""
    return FileLock(path.with_name(f".{path.name}.lock"), timeout=timeout, mode=FILE_MODE)


@contextlib.contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold ``path``'s lock, creating its folder first: for a read that leads to a write.

    Raises
    ------
    filelock.Timeout
        When another writer held the lock for ``timeout`` seconds.
    """
    ensure_private_dir(path.parent)
    with lock_for(path, timeout):
        yield


def ensure_private_dir(folder: Path) -> None:
    """Create ``folder`` readable by its owner only (an existing folder is left as it is)."""
    if folder.is_dir():
        return
    try:
        folder.mkdir(mode=DIR_MODE, parents=True)
    except FileExistsError:
        if folder.is_dir():  # another writer made it a moment ago
            return
        raise
    folder.chmod(DIR_MODE)  # mkdir's mode is filtered by the umask


def _fsync_dir(folder: Path) -> None:
    """Make a new directory entry durable; Windows cannot open a folder, nor needs to."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:  # a regular file takes it all at once; the loop covers a short write
        view = view[os.write(fd, view) :]


def _read_at(fd: int, size: int, offset: int) -> bytes:
    """Up to ``size`` bytes from ``offset`` (``os.pread`` does not exist on Windows)."""
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, size)


@contextlib.contextmanager
def cell_limit(most: int) -> Iterator[None]:
    """Let the `csv` module read cells of up to ``most`` characters within this block.

    The limit is process-wide: it is set under a lock and put back when the block ends,
    so it never stays changed for other code, nor for another thread's reader. A reader
    that lifts it to read a record whole reports the cells over `CELL_LIMIT` itself
    (`long_cell`). Other readers of this process wait while the block lasts.

    Parameters
    ----------
    most : int
        The longest cell to read, such as the length of the text read: no cell is longer.
    """
    with _LIMIT_LOCK:
        before = csv.field_size_limit(min(max(most, 1), _MOST))
        try:
            yield
        finally:
            csv.field_size_limit(before)


def long_cell(
    cells: Sequence[str], header: Sequence[str], limit: int = CELL_LIMIT
) -> tuple[str, str, str] | None:
    """The first cell longer than ``limit`` characters, or None when there is none.

    Parameters
    ----------
    cells : sequence of str
        A record's cells.
    header : sequence of str
        The file's column names, to name the cell's column.
    limit : int
        The longest cell allowed.

    Returns
    -------
    (column, cell, why) or None
        The cell's column name (``"column N"`` beyond the header), the cell, and why it
        cannot be read, e.g. ``"holds 200,000 characters (at most 131,072)"``.
    """
    for i, cell in enumerate(cells):
        if len(cell) > limit:
            column = header[i] if i < len(header) else f"column {i + 1}"
            return column, cell, f"holds {len(cell):,} characters (at most {limit:,})"
    return None


def split_header(first: str) -> tuple[list[str], str]:
    """Column names of a header line (its line end included, if any) and that line end."""
    body = first.rstrip("\r\n")
    newline = first[len(body) :] or "\n"
    with cell_limit(len(body)):  # a name too long is no column the journal knows
        names = next(csv.reader([body]), []) if body else []
    return [n.strip() for n in names], newline


def table_names(header: Sequence[str]) -> list[str]:
    """Column names for a table: an unnamed or repeated column gets a name of its own."""
    names = []
    for i, c in enumerate(header):
        if not c:
            c = f"(column {i + 1})"
        elif c in names:
            c = f"{c} (column {i + 1})"
        names.append(c)
    return names


def first_line(text: str) -> str:
    """The first line of ``text`` with its line end (``\\r\\n``, ``\\n`` or a lone ``\\r``)."""
    return next(iter(io.StringIO(text, newline="")), "")


def _header(fd: int) -> tuple[list[str], str]:
    """Column names and line ending of the file open at ``fd``."""
    head = b""
    while True:
        chunk = _read_at(fd, 4096, len(head))
        head += chunk
        ends = [i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0]
        # A "\r" needs the byte after it, to tell "\r\n" from a lone "\r".
        if not chunk or (ends and min(ends) + 1 < len(head)):
            break
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="surrogateescape")
    names, newline = split_header(first_line(text))
    return table_names(names), newline


def _row_text(cells: Sequence[str], newline: str) -> str:
    out = io.StringIO()
    # The writer quotes only cells holding characters of its line terminator; with "\r\n"
    # that covers a lone "\r" in a note as well as "\n".
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()[:-2] + newline


def _mark(path: Path) -> Path:
    """Where the size of ``path`` after its last complete append is noted."""
    return path.with_name(f".{path.name}.end")


def _noted_size(path: Path) -> int | None:
    try:
        # int() reads ASCII digits from bytes as from text, without looking up a codec
        # (which would import encodings.ascii on every append).
        return int(_mark(path).read_bytes())
    except (OSError, ValueError):
        return None


def _note_size(path: Path, size: int) -> None:
    """Note where the file ends now; losing the note only costs the next append a scan."""
    with contextlib.suppress(OSError):
        fd = os.open(_mark(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, FILE_MODE)
        try:
            os.write(fd, str(size).encode("ascii"))
        finally:
            os.close(fd)


def _end_torn_record(fd: int, path: Path, size: int, newline: str) -> str:
    """What to write before new rows so that they start a record of their own.

    A file that ends where this journal's last append left it needs nothing. Otherwise a
    writer died in the middle of a row, or someone edited the file: if the file ends
    inside a quoted cell (an odd number of quotes), even just after a line break in a
    note, the quote is closed first, or the reader would take the new rows as the rest
    of that cell. Counting reads the whole file, but only once after such a change.
    """
    ends_line = _read_at(fd, 1, size - 1) in (b"\n", b"\r")
    if ends_line and _noted_size(path) == size:
        return ""
    quotes = 0
    offset = 0
    while chunk := _read_at(fd, 1 << 20, offset):
        quotes += chunk.count(b'"')
        offset += len(chunk)
    if quotes % 2:
        return '"' + newline
    return "" if ends_line else newline


def append_rows(
    path: Path,
    rows: Sequence[Mapping[str, str]],
    columns: Sequence[str],
    required: Sequence[str],
    *,
    timeout: float = LOCK_TIMEOUT_S,
) -> None:
    """Take ``path``'s lock and append rows to it (see `append_locked`)."""
    with locked(path, timeout):
        append_locked(path, rows, columns, required)


def append_locked(
    path: Path,
    rows: Sequence[Mapping[str, str]],
    columns: Sequence[str],
    required: Sequence[str],
) -> None:
    """Append rows to the CSV file at ``path`` in one write, creating it with ``columns``.

    The caller holds the file's lock (`locked`). Rows follow the column order of the
    file's own header; columns the file has but a row lacks (a column the user added) are
    left empty, and cells whose column the file lacks are not written, so ``required``
    must name every column whose value may not be lost. All rows land together, or none:
    when writing or syncing fails, the bytes this call appended are cut off again.

    Raises
    ------
    JournalError
        When the file's header lacks a ``required`` column.
    OSError
        When the row could not be stored (nothing was).
    """
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | _BINARY, FILE_MODE)
    try:
        size = os.fstat(fd).st_size
        if size == 0:
            header, newline = list(columns), "\n"
            prefix = _row_text(header, newline)
        else:
            header, newline = _header(fd)
            missing = [c for c in required if c not in header]
            if missing:
                raise JournalError(
                    f"{path}: line 1: the header lacks {plural(len(missing), 'column')}: "
                    f"{', '.join(missing)}; "
                    "nothing was written. Restore the header line and try again."
                )
            prefix = _end_torn_record(fd, path, size, newline)
        text = prefix + "".join(
            _row_text([row.get(name, "") for name in header], newline) for row in rows
        )
        # surrogateescape: bytes of another encoding in the user's own column go back
        # exactly as they were read.
        data = text.encode("utf-8", errors="surrogateescape")
        try:
            if created:
                _fsync_dir(path.parent)
            _write_all(fd, data)
            os.fsync(fd)
        except BaseException:
            _cut_back(fd, size)
            raise
    except BaseException:
        os.close(fd)
        if created:  # only once closed: Windows cannot remove an open file
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    os.close(fd)
    _note_size(path, size + len(data))


def _cut_back(fd: int, size: int) -> None:
    """Cut off what this call appended (never an earlier byte)."""
    with contextlib.suppress(OSError):  # the write's own error is the one to report
        os.ftruncate(fd, size)
        os.fsync(fd)


def rollback_point(path: Path) -> int | None:
    """The size of ``path`` now (None if it does not exist), for `roll_back` to return to.

    For a write that spans two files: the caller holds both locks from this call to its
    last append, so the bytes after this point are its own.
    """
    return path.stat().st_size if path.exists() else None


def roll_back(path: Path, point: int | None) -> None:
    """Cut ``path`` back to a `rollback_point` (removing it if it did not exist then)."""
    if point is None:
        path.unlink(missing_ok=True)
        return
    fd = os.open(path, os.O_RDWR | _BINARY)
    try:
        os.ftruncate(fd, point)
        os.fsync(fd)
    finally:
        os.close(fd)
    _note_size(path, point)


def write_private(path: Path, text: str) -> None:
    """Write a small file whole (atomically, via a temporary file), readable by its owner only.

    The temporary file has a name of its own, so that two writers never share it.
    """
    ensure_private_dir(path.parent)
    import tempfile  # here: an append, the common write, never needs it

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            _write_all(fd, text.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


@contextlib.contextmanager
def private_output(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A file to write for the person (a calendar, a report): private, and whole or not at all.

    It is written under a temporary name beside ``path``, created readable by its owner
    only whatever the umask, and takes the place of ``path`` (and of any file there,
    whatever its mode) when the ``with`` block ends; if the block fails, ``path`` is left
    as it was. Opening it first shows that ``path`` can be written before anything else is
    stored.

    Examples
    --------
    >>> with private_output(tmp_path / "plan.ics") as file:  # doctest: +SKIP
    ...     file.write(to_ics(slots).encode("utf-8"))
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder", str(path.parent))
    try:
        import tempfile

        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:  # named after the file asked for, not the temporary one
        raise OSError(err.errno, err.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as file:
            yield file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_records(text: str) -> tuple[list[str], list[Record], list[Record]]:
    """Split CSV ``text`` into its header, its well-formed records and its broken ones.

    A record is broken when it has another number of cells than the header, or a cell
    longer than `CELL_LIMIT` (`long_cell`). A quoted cell runs to its closing quote, over
    as many lines as it takes; a quote that is never closed (such as a torn write's)
    makes the rest of the file one broken record, since what follows it is, as written,
    the inside of that cell. Lines may end in ``\\r\\n``, ``\\n`` or a lone ``\\r``.

    Returns
    -------
    header : list of str
        Column names, stripped of spaces.
    good, broken : list of Record
        Records with their 1-based starting line. Rows without any text are skipped.
    """
    lines = list(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    if not lines:
        return [], [], []
    header, _ = split_header(lines[0])
    good: list[Record] = []
    broken: list[Record] = []
    done = 1  # the lines before the reader's first one: the header
    reader = csv.reader(lines[done:])
    # At exactly CELL_LIMIT, whatever limit other code set, the csv module itself finds
    # the rare long cell: the others cost nothing more to read.
    with cell_limit(CELL_LIMIT):
        while True:
            start = done + reader.line_num + 1
            try:
                cells = next(reader)
                too_long = False
            except StopIteration:
                break
            except csv.Error:  # a cell over the limit: read its record again, whole
                done = start - 1
                reader = csv.reader(lines[done:])
                with cell_limit(len(text)):
                    cells = next(reader)
                too_long = long_cell(cells, header) is not None
            if not any(c.strip() for c in cells):
                continue
            record = Record(start, cells, done + reader.line_num)
            (broken if too_long or len(cells) != len(header) else good).append(record)
    return header, good, broken
