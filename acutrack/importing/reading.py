"""Opening a file to import and reading its records one at a time.

Only a regular file is read (never a pipe or a device, which could block or never end), of
at most `MAX_BYTES`, and never one of the journal's own files, however it is named: a
symlink or a hard link is the same file, and importing it would add every entry again.
The file is read twice, both times in small pieces: once to learn its encoding, once to
split it into records, so memory does not grow with the file.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..csvstore import CELL_LIMIT, Record, cell_limit, long_cell
from ..errors import shown
from .common import ImportRefused

#: The largest file an import reads. Years of daily use of any of the apps export a few
#: megabytes. A file is streamed, but the entries it makes are held until all are checked
#: (an import is written whole or not at all): 10 MB of nothing but pain ratings (115,000)
#: take about 300 MB of memory, so this limit keeps the worst case under a gigabyte.
MAX_BYTES = 20_000_000
_CHUNK = 1 << 16
# A byte-order mark and the encoding it announces (UTF-32's marks begin with UTF-16's).
_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF8, "utf-8-sig"),
)
_NOT_REGULAR = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


@dataclass
class Source:
    """An open file to import: its header, its records and how it was decoded.

    ``records`` yields each record with ``""`` when it is well-formed, else why it is not
    (a cell too long, another number of cells than the header); rows without any text
    are left out. It can be read while the `opened` block lasts.
    """

    header: list[str]
    records: Iterator[tuple[Record, str]]
    note: str  # how it was decoded, when not as UTF-8


@contextlib.contextmanager
def opened(path: Path, journal_folder: Path) -> Iterator[Source]:
    """``path`` opened for import, after the checks of this module; `ImportRefused` else.

    Parameters
    ----------
    path : Path
        The file to import.
    journal_folder : Path
        The folder of the journal importing it: no file in it is read.
    """
    with _open_regular(path) as file:
        _check_not_journal(file, path, journal_folder)
        encoding, note = _encoding(file, path.name)
        file.seek(0)
        text = io.TextIOWrapper(file, encoding=encoding, errors="replace", newline="")
        reader = csv.reader(text)
        try:
            header = [name.strip() for name in _next(reader, path)]
        except StopIteration:
            header = []
        if not any(header):
            raise ImportRefused(f"{shown(path.name)} is empty: there is no header line")
        yield Source(header, _records(reader, header, path), note)


@contextlib.contextmanager
def _open_regular(path: Path) -> Iterator[BinaryIO]:
    """``path`` opened for reading in binary, once it is known to be a regular file."""
    # Not blocking: opening a pipe would otherwise wait for a writer. The checks are made
    # on the open file, so that the file read is the file checked.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise ImportRefused(f"cannot read {shown(str(path))}: {err.strerror or err}") from None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            kind = next((word for test, word in _NOT_REGULAR if test(status.st_mode)), "other")
            raise ImportRefused(
                f"{shown(str(path))} is {kind}, not a regular file: import a file exported "
                "from the app"
            )
        if status.st_size > MAX_BYTES:
            raise ImportRefused(
                f"{shown(path.name)} has {status.st_size / 1e6:,.0f} MB; acutrack imports "
                f"files of up to {MAX_BYTES // 1_000_000} MB: export a shorter period, or "
                "split the file, and import each part"
            )
        if hasattr(os, "set_blocking"):  # not on Windows, which has no O_NONBLOCK either
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    with open(fd, "rb") as file:
        yield file


def _check_not_journal(file: BinaryIO, path: Path, folder: Path) -> None:
    """Refuse a file that is one of the journal's (by identity), or inside its folder."""
    mine = os.fstat(file.fileno())
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):  # no journal yet
        entries = []
    for entry in entries:
        try:
            same = os.path.samestat(mine, os.stat(entry.path))
        except OSError:  # gone since, or a dangling link
            continue
        if same:
            raise ImportRefused(
                f"{shown(str(path))} is one of the journal's files ({shown(entry.name)} in "
                f"{shown(str(folder))}): importing it would add its entries again"
            )
    if path.resolve().is_relative_to(folder.resolve()):
        raise ImportRefused(
            f"{shown(str(path))} is inside the journal's folder {shown(str(folder))}: "
            "move an export elsewhere before importing it"
        )


def _encoding(file: BinaryIO, name: str) -> tuple[str, str]:
    """The file's encoding and a note for the report when it is not UTF-8.

    UTF-8 unless a byte-order mark names another; a file that is not valid UTF-8 is read
    as Windows-1252 (a spreadsheet's "CSV" on Windows). UTF-16 without its mark is
    refused: it cannot be told from other bytes with certainty.
    """
    start = file.read(_CHUNK)
    marked = next((encoding for mark, encoding in _MARKS if start.startswith(mark)), None)
    if marked in ("utf-16", "utf-32"):
        return marked, f"The file is {marked.upper()}; it was read as such."
    # Text in UTF-16 has a zero in every other byte wherever it is ASCII.
    if not marked and max(start[0::2].count(0), start[1::2].count(0)) > len(start) // 4:
        raise ImportRefused(
            f"{shown(name)}: this file is UTF-16 without the mark that says so; save it as "
            "UTF-8 (in a spreadsheet: CSV UTF-8)"
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    chunk = start
    try:
        while chunk:
            decoder.decode(chunk)
            chunk = file.read(_CHUNK)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252", "The file is not UTF-8; it was read as Windows-1252."
    return marked or "utf-8", ""


def _next(reader: Any, path: Path) -> list[str]:
    """The reader's next record, however long its cells (`records` reports long ones)."""
    # The limit is lifted for this one record only: the records are read while the import
    # works on them. No cell can be longer than the file, which is at most MAX_BYTES.
    try:
        with cell_limit(MAX_BYTES):
            return next(reader)
    except csv.Error as err:  # a file that grew past MAX_BYTES while it was read
        raise ImportRefused(f"cannot read {shown(path.name)}: {err}") from None


def _records(reader: Any, header: list[str], path: Path) -> Iterator[tuple[Record, str]]:
    """Each record with text in it, with why it is damaged (``""`` when it is not)."""
    while True:
        start = reader.line_num + 1
        try:
            cells = _next(reader, path)
        except StopIteration:
            return
        if not any(map(str.strip, cells)):
            continue
        record = Record(start, cells, reader.line_num)
        long = long_cell(cells, header, CELL_LIMIT)
        if long:
            column, _, why = long
            yield record, f"{shown(column)} {why}"
        elif len(cells) != len(header):
            yield record, f"expected {len(header)} cells but found {len(cells)}"
        else:
            yield record, ""
