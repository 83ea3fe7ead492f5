"""Append-only CSV files: locked, durable appends and a reader that survives damage.

An append takes the file's lock, reads only the header line (to follow the column order of
a file someone re-saved from a spreadsheet) and the last byte, then writes the row in one
``write`` and fsyncs it. Its cost does not grow with the file.

The reader reports, rather than raises on, records that are not well-formed CSV, such as
the torn last line of a writer that was killed, and then carries on at the next line.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from .errors import JournalError

__all__ = ["Record", "append_rows", "read_records", "write_private"]

FILE_MODE = 0o600
DIR_MODE = 0o700
LOCK_TIMEOUT_S = 30


@dataclass(frozen=True)
class Record:
    """One CSV record: the line it starts on (1 = header) and its cells."""

    line: int
    cells: list[str]


def lock_for(path: Path) -> FileLock:
    """The lock guarding ``path`` (a hidden file beside it, private like the journal)."""
    return FileLock(path.with_name(f".{path.name}.lock"), timeout=LOCK_TIMEOUT_S, mode=FILE_MODE)


def ensure_private_dir(folder: Path) -> None:
    """Create ``folder`` readable by its owner only (an existing folder is left as it is)."""
    if not folder.exists():
        folder.mkdir(mode=DIR_MODE, parents=True)
        folder.chmod(DIR_MODE)  # mkdir's mode is filtered by the umask


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:  # a regular file takes it all at once; the loop covers a short write
        view = view[os.write(fd, view) :]


def _header(fd: int) -> tuple[list[str], str]:
    """Column names and line ending of the file open at ``fd``."""
    head = b""
    while b"\n" not in head:
        chunk = os.pread(fd, 4096, len(head))
        if not chunk:
            break
        head += chunk
    first = head.split(b"\n", 1)[0] + b"\n"
    newline = "\r\n" if first.endswith(b"\r\n") else "\n"
    text = first.decode("utf-8-sig", errors="replace")
    names = next(csv.reader([text]), [])
    return [n.strip() for n in names], newline


def _row_text(cells: Sequence[str], newline: str) -> str:
    out = io.StringIO()
    # The writer quotes only cells holding characters of its line terminator; with "\r\n"
    # that covers a lone "\r" in a note as well as "\n".
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()[:-2] + newline


def append_rows(
    path: Path,
    rows: Sequence[Mapping[str, str]],
    columns: Sequence[str],
    required: Sequence[str],
) -> None:
    """Append rows to the CSV file at ``path`` in one write, creating it with ``columns``.

    Rows follow the column order of the file's own header; columns the file has but a
    row lacks (a column the user added) are left empty, and cells whose column the file
    lacks are not written, so ``required`` must name every column whose value may not be
    lost. All rows land together or, if the writer dies, as one torn tail.

    Raises
    ------
    JournalError
        When the file's header lacks a ``required`` column.
    """
    ensure_private_dir(path.parent)
    with lock_for(path):
        created = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, FILE_MODE)
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
                        f"{path}: line 1: the header lacks the column(s) {', '.join(missing)}; "
                        "nothing was written. Restore the header line and try again."
                    )
                # A torn last line (a writer killed mid-row) must not swallow this row.
                prefix = "" if os.pread(fd, 1, size - 1) == b"\n" else newline
            text = prefix + "".join(
                _row_text([row.get(name, "") for name in header], newline) for row in rows
            )
            _write_all(fd, text.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            _fsync_dir(path.parent)


def write_private(path: Path, text: str) -> None:
    """Write a small file whole (atomically, via a temporary file), readable by its owner only."""
    ensure_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        _write_all(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class _Lines:
    """An iterator over lines whose position can be moved back (to resynchronise)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.pos = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def read_records(
    text: str, starts_record: Callable[[list[str]], bool] | None = None
) -> tuple[list[str], list[Record], list[Record]]:
    """Split CSV ``text`` into its header, its well-formed records and its broken ones.

    A record is broken when it has another number of cells than the header, or when it
    spans several lines one of which reads as a record of its own (``starts_record``,
    given the cells of that line alone). That is what an unclosed quote leaves behind,
    such as a torn write: only its first line is taken as broken and reading resumes on
    the next line, so the rows after it are not lost inside a runaway quoted cell.

    Returns
    -------
    header : list of str
        Column names, stripped of spaces.
    good, broken : list of Record
        Records with their 1-based starting line. Wholly empty rows are skipped.
    """
    lines = _Lines(list(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    if not lines.lines:
        return [], [], []
    header = [name.strip() for name in next(csv.reader([lines.lines[0]]), [])]
    lines.pos = 1
    good: list[Record] = []
    broken: list[Record] = []
    reader = csv.reader(lines)

    def runaway(start: int, end: int) -> bool:
        if starts_record is None:
            return False
        for line in lines.lines[start + 1 : end]:
            cells = next(csv.reader([line]), [])
            if len(cells) == len(header) and starts_record(cells):
                return True
        return False

    while lines.pos < len(lines.lines):
        start = lines.pos
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            cells = None  # e.g. a quote left open at the end of the file
        spans = lines.pos - start > 1
        if cells is not None and len(cells) == len(header):
            if not (spans and runaway(start, lines.pos)):
                good.append(Record(start + 1, cells))
                continue
        elif cells is not None and not any(c.strip() for c in cells):
            continue
        if spans or cells is None:
            cells = lines.lines[start].rstrip("\r\n").split(",")
            lines.pos = start + 1
            reader = csv.reader(lines)  # a fresh reader: the old one may be inside a quote
        broken.append(Record(start + 1, cells))
    return header, good, broken
