"""Conflict copies that sync apps leave beside a journal file, found and merged back.

A journal in a Dropbox, iCloud, Nextcloud or Syncthing folder can be written on two
devices between syncs; file locks do not cross devices, so the sync app keeps the other
device's version as a copy (``sessions.sync-conflict-20261207-101500-ABC.csv``,
``sessions (conflicted copy 2026-12-07).csv``, ``sessions_conflict-20261207-101500.csv``,
``sessions 2.csv``) that nothing else reads. Here every such copy is found, what only it
holds is counted, and `merge_copies` appends each version the main file lacks (by id,
action and ``recorded_at``: the rule that decides which version stands does the rest),
then moves the copy aside into ``conflict-copies/``. Nothing is lost, nothing doubled, and
running it again changes nothing.

A merged red-flag screen never clears an urgent answer (`acutrack.standing`): which
answer came first cannot be known across devices, so the merged versions are listed in
``merged.csv`` and only an urgent one among them counts.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .csvstore import append_locked, append_rows, read_records, table_names
from .tables import import_spec, plan_spec, profile_spec
from .words import plural

if TYPE_CHECKING:
    from .journal import Journal
    from .tables import TableSpec

__all__ = [
    "ASIDE",
    "MERGED",
    "Copy",
    "conflict_note",
    "find_copies",
    "merge_copies",
    "merged_versions",
]

#: Where merged copies are moved, inside the journal folder.
ASIDE = "conflict-copies"
#: The ledger of merged versions.
MERGED = "merged.csv"
_MERGED_COLUMNS = ("file", "entry_id", "action", "recorded_at", "copy", "merged_at")
# The names sync apps give a second version of "stem.csv": Syncthing, Dropbox and
# Nextcloud/ownCloud (both "(... conflicted copy ...)"), Nextcloud's "_conflict-", and
# iCloud's " 2". Linear: no nested repetition.
_COPY = re.compile(
    r"(?P<stem>[a-z_]+)"
    r"(?:\.sync-conflict-[0-9A-Za-z-]+"
    r"| \([^()/]*conflict[^()/]*\)"  # (a file name is short: no long backtracking)
    r"|_conflict-[0-9A-Za-z-]+"
    r"| [0-9]{1,3})"
    r"\.csv",
    re.IGNORECASE,
)


@dataclass
class Copy:
    """One conflict copy of a journal file, and what only it holds.

    Attributes
    ----------
    path : Path
    spec : TableSpec
        The journal file it is a copy of.
    versions : list of dict
        Its rows (as written, by column) that the main file lacks.
    unreadable : int
        Its rows that cannot be split into the main file's columns (kept in the copy).
    """

    path: Path
    spec: TableSpec
    versions: list[dict[str, str]] = field(default_factory=list)
    unreadable: int = 0

    @property
    def entries(self) -> int:
        """How many entries the missing versions belong to."""
        return len({v.get(self.spec.key, "").strip() for v in self.versions})

    def describe(self) -> str:
        """One line for people."""
        main = self.spec.filename
        if not self.versions:
            return f"{self.path.name}: a conflict copy of {main} holding nothing new"
        return (
            f"{self.path.name}: a conflict copy of {main} made by a sync app; "
            f"{plural(self.entries, 'entry', 'entries')} "
            f"({plural(len(self.versions), 'version')}) "
            "only in it"
        )


def _specs(journal: Journal) -> dict[str, TableSpec]:
    catalog = journal.catalog
    specs = (*journal._specs(), plan_spec(catalog), profile_spec(), import_spec())
    return {s.name: s for s in specs}


def find_copies(journal: Journal, of: str | None = None) -> list[Copy]:
    """Every conflict copy of a journal file in the journal folder, with what only it holds.

    Parameters
    ----------
    journal : Journal
    of : str, optional
        Only the copies of this file (``"sessions"``, ...).

    Returns
    -------
    list of Copy
        In name order; empty when there are none (or no folder yet).
    """
    try:
        names = sorted(entry.name for entry in os.scandir(journal.path) if entry.is_file())
    except OSError:
        return []
    specs = _specs(journal)
    copies = []
    for name in names:
        match = _COPY.fullmatch(name)
        spec = specs.get(match["stem"].lower()) if match else None
        if spec is not None and of in (None, spec.name):
            copies.append(_compare(journal.file(spec), journal.path / name, spec))
    return copies


def conflict_note(journal: Journal, of: str | None = None) -> str | None:
    """One line when conflict copies hold entries the journal lacks, else None."""
    copies = [c for c in find_copies(journal, of) if c.versions]
    if not copies:
        return None
    entries = sum(c.entries for c in copies)
    names = ", ".join(c.path.name for c in copies[:2]) + (", …" if len(copies) > 2 else "")
    return (
        f"Sync conflict copies ({names}) hold {plural(entries, 'entry', 'entries')} "
        "your journal lacks: run `acutrack validate --repair` to merge them"
    )


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]], int]:
    """A file's header, its well-formed rows by column, and how many rows are not."""
    if not path.exists():
        return [], [], 0
    header, good, broken = read_records(path.read_bytes().decode("utf-8", "surrogateescape"))
    names = table_names(header)
    rows = [dict(zip(names, r.cells, strict=True)) for r in good]
    return header, rows, len(broken)


def _identity(row: dict[str, str], spec: TableSpec) -> tuple[str, ...]:
    """A version as written: every column of the format, spaces around cells aside."""
    return tuple(row.get(c, "").strip() for c in spec.columns)


def _compare(main: Path, copy: Path, spec: TableSpec) -> Copy:
    _, mine, _ = _rows(main)
    _, theirs, broken = _rows(copy)
    known = {_identity(r, spec) for r in mine}
    missing = []
    for row in theirs:
        key = _identity(row, spec)
        if key not in known and any(key):
            known.add(key)  # a row repeated in the copy comes over once
            missing.append(row)
    return Copy(copy, spec, missing, broken)


def merge_copies(journal: Journal) -> list[str]:
    """Merge every conflict copy into its journal file and move the copy aside.

    Each version a copy holds that the main file lacks is appended (with its own action
    and ``recorded_at``, so the usual rule decides which version of an entry stands),
    under the main file's lock; then the copy is moved into ``conflict-copies/``. A plan
    slot filled with different sessions on the two devices is reported, not resolved.
    A copy with rows that cannot be read is merged for the rest and kept whole aside.

    Returns
    -------
    list of str
        What was done, a line per copy (and per slot filled twice), for people.
    """
    said = []
    for copy in find_copies(journal):
        with journal._writing(copy.spec):
            copy = _compare(journal.file(copy.spec), copy.path, copy.spec)  # under the lock
            twice = _filled_twice(journal, copy) if copy.spec.name == "plan" else []
            if copy.versions:
                _note_merged(journal, copy)
                rows = [
                    {c: row.get(c, "") for c in copy.spec.columns if c in row}
                    for row in copy.versions
                ]
                append_locked(journal.file(copy.spec), rows, copy.spec.columns, ())
            aside = journal.path / ASIDE
            aside.mkdir(mode=0o700, exist_ok=True)
            target = _free_name(aside / copy.path.name)
            os.replace(copy.path, target)
        unread = (
            f"; {plural(copy.unreadable, 'row')} it could not read stay in it"
            if copy.unreadable
            else ""
        )
        said.append(
            f"merged {plural(len(copy.versions), 'version')} of "
            f"{plural(copy.entries, 'entry', 'entries')} from {copy.path.name} into "
            f"{copy.spec.filename}; the copy is now {ASIDE}/{target.name}{unread}"
        )
        said += twice
    return said


def _free_name(path: Path) -> Path:
    """``path``, or the first ``name.N.csv`` beside it that does not exist yet."""
    n = 1
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.{n}{path.suffix}")
        n += 1
    return candidate


def _filled_twice(journal: Journal, copy: Copy) -> list[str]:
    """Plan slots that the main file and the copy filled with different sessions."""
    _, mine, _ = _rows(journal.file(copy.spec))
    here = {r["slot"].strip(): r.get("session_id", "").strip() for r in mine if "slot" in r}
    lines = []
    for row in copy.versions:
        slot, there = row.get("slot", "").strip(), row.get("session_id", "").strip()
        if there and here.get(slot) and here[slot] != there:
            lines.append(
                f"slot {slot} was filled on both devices ({here[slot]} here, {there} in the "
                "copy); the later version stands: check `acutrack plan` and correct it"
            )
    return lines


def _note_merged(journal: Journal, copy: Copy) -> None:
    """List the versions about to be merged in ``merged.csv`` (before they are)."""
    ledger = journal.path / MERGED
    now = journal.now().astimezone(UTC).isoformat(timespec="seconds")
    rows = [
        {
            "file": copy.spec.filename,
            "entry_id": row.get(copy.spec.key, "").strip(),
            "action": row.get("action", "").strip() or "add",
            "recorded_at": row.get("recorded_at", "").strip(),
            "copy": copy.path.name,
            "merged_at": now,
        }
        for row in copy.versions
    ]
    append_rows(ledger, rows, _MERGED_COLUMNS, _MERGED_COLUMNS, timeout=journal.lock_timeout)


def merged_versions(journal: Journal, filename: str) -> set[tuple[str, str, float | None]]:
    """The versions of ``filename`` that came from a conflict copy: (id, action, recorded
    at, in seconds since the epoch, or None when the row did not say)."""
    _, rows, _ = _rows(journal.path / MERGED)
    return {
        (r["entry_id"], r["action"], _seconds(r.get("recorded_at", "")))
        for r in rows
        if r.get("file") == filename and "entry_id" in r and "action" in r
    }


def _seconds(text: str) -> float | None:
    try:
        return datetime.fromisoformat(text.strip()).timestamp()
    except ValueError:
        return None
