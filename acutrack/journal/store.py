"""The journal folder: its files, format version and locked, durable writing."""

from __future__ import annotations

import contextlib
import math
import os
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import Timeout

from ..catalog import Catalog
from ..csvstore import (
    LOCK_TIMEOUT_S,
    append_locked,
    locked,
    private_output,
    read_records,
    write_private,
)
from ..errors import InvalidValue, JournalError
from ..loading import Row, Version, read_entry, read_rows, read_versions
from ..records import Problem, Rating, Session
from ..tables import (
    SCHEMA_VERSION,
    TableSpec,
    imported_rating_spec,
    medication_spec,
    peg_spec,
    pgic_spec,
    plan_spec,
    screen_spec,
)
from ..words import plural

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["META_FILE", "JournalWarning"]

META_FILE = "journal.json"
# journal.json as acutrack writes it (JSON, two-space indent, a final line break).
_META_TEXT = f'{{\n  "format": "acutrack journal",\n  "schema_version": {SCHEMA_VERSION}\n}}\n'


class JournalWarning(UserWarning):
    """Rows of a journal file could not be loaded (see `Journal.problems`)."""


#: How much later than the version it replaces a new version is recorded, at least.
_STEP = timedelta(seconds=1)


def _lock_timeout(given: float | None) -> float:
    """``given``, else ``$ACUTRACK_LOCK_TIMEOUT``, else 30: seconds, finite and not negative."""
    field, value = "lock_timeout", given
    if given is None:
        field, value = "ACUTRACK_LOCK_TIMEOUT", os.environ.get("ACUTRACK_LOCK_TIMEOUT")
    try:
        seconds = float(value) if value not in (None, "") else LOCK_TIMEOUT_S
    except (TypeError, ValueError):
        seconds = math.nan
    if not 0 <= seconds < math.inf:  # also refuses nan
        raise InvalidValue(field, value, "expected a number of seconds, such as 30")
    return seconds


class _Store:
    """The journal folder: its files, format version and locked, durable writing.

    A part of `Journal`, which brings the parts together; not used on its own.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        clock: Callable[[], datetime] | None = None,
        make_id: Callable[[str], str] | None = None,
        lock_timeout: float | None = None,
    ) -> None:
        if not os.fspath(path).strip():
            raise InvalidValue("journal", path, "expected the path of a folder")
        self.path = Path(path).expanduser().absolute()
        self.read_only = read_only
        self.lock_timeout = _lock_timeout(lock_timeout)
        self._catalog_cache: tuple[tuple, tuple[Catalog, list[Problem]]] | None = None
        self._clock = clock or (lambda: datetime.now().astimezone())
        # os.urandom is what secrets.token_hex reads, without importing secrets at start-up.
        self._make_id = make_id or (lambda prefix: f"{prefix}-{os.urandom(5).hex()}")
        self._snap: dict[Any, Any] | None = None  # what was read inside `snapshot`
        self._held = 0  # write locks held: reads then always go to the file

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read each file at most once inside this block: one view of the journal.

        For showing many things at once (every open form after a save, a report): inside
        it, what was read is taken as unchanged. A write's own reads, under its lock,
        always go to the file.
        """
        outer = self._snap is None
        if outer:
            self._snap = {}
        try:
            yield
        finally:
            if outer:
                self._snap = None

    def _forget(self, filename: str) -> None:
        """Inside `snapshot`, drop what was read of a file just written."""
        if self._snap:
            for key in [k for k in self._snap if k[1] == filename]:
                del self._snap[key]

    def _data(self, spec: TableSpec) -> bytes | None:
        """A file's bytes (None when there is no file), read once inside `snapshot`, where
        every reader of it parses them."""
        path = self.file(spec)

        def read() -> bytes | None:
            try:
                return path.read_bytes()
            except FileNotFoundError:
                return None

        return self._cached(("bytes", spec.filename), read)

    def _cells(self, spec: TableSpec, column: str) -> dict[str, int]:
        """Every cell of ``column`` in a file of the journal, from readable records and
        damaged ones alike, with the line it is first on."""
        data = self._data(spec)
        if data is None:
            return {}
        header, good, broken = read_records(data.decode("utf-8", "surrogateescape"))
        if column not in header:
            return {}
        at = header.index(column)
        found: dict[str, int] = {}
        for r in sorted((*good, *broken), key=lambda r: r.line):
            if len(r.cells) > at:
                found.setdefault(r.cells[at].strip(), r.line)
        return found

    def _cached(self, key: Any, read: Callable[[], Any]) -> Any:
        """``read()``, or inside `snapshot` what it gave the first time."""
        if self._snap is None or self._held:
            return read()
        if key not in self._snap:
            self._snap[key] = read()
        return self._snap[key]

    def now(self) -> datetime:
        """The current time by this journal's clock (aware; tests and the sample set it)."""
        return self._clock()

    @classmethod
    def default(cls, **options) -> Journal:  # noqa: F821 (the whole class, in __init__)
        """The journal in ``$ACUTRACK_HOME``, or ``~/acutrack`` when that is not set.

        ``options`` go to `Journal` (``read_only``, ``clock``, ...).
        """
        return cls(os.environ.get("ACUTRACK_HOME") or Path.home() / "acutrack", **options)

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r}{', read_only=True' if self.read_only else ''})"

    def owns(self, path: str | os.PathLike[str]) -> bool:
        """Whether ``path`` is (or could become) a file the journal keeps: data, settings, locks."""
        path = Path(path)
        folder = path.absolute().parent
        if folder.is_dir() and self.path.is_dir():  # the same folder however it is spelt
            inside = folder.samefile(self.path)  # (macOS and Windows ignore letter case)
        else:
            inside = folder.resolve() == self.path.resolve()
        return inside and (path.suffix.lower() in (".csv", ".json") or path.name.startswith("."))

    def private_output(self, path: str | os.PathLike[str]) -> contextlib.AbstractContextManager:
        """`csvstore.private_output`, refusing a name that is one of this journal's files."""
        if self.owns(path):
            raise InvalidValue(
                "file",
                Path(path).name,
                f"expected a name other than those of the journal's files in {self.path}",
            )
        return private_output(path)

    def file(self, spec: TableSpec) -> Path:
        """Path of the CSV file for ``spec``."""
        return self.path / spec.filename

    def _check_folder(self) -> None:
        """Refuse a journal path that is a file, or a link to nothing."""
        if self.path.is_symlink() and not self.path.exists():
            raise JournalError(
                f"{self.path} is a link to {os.readlink(self.path)}, which does not exist"
            )
        if self.path.exists() and not self.path.is_dir():
            raise JournalError(f"{self.path} is a file, not a journal folder")

    def _check_version(self) -> None:
        self._check_folder()
        meta = self.path / META_FILE
        if not meta.exists():
            return
        try:
            text = meta.read_text(encoding="utf-8")
            if text == _META_TEXT:  # as acutrack writes it: no need to parse (or import) JSON
                return
            import json

            version = json.loads(text)["schema_version"]
        except (ValueError, KeyError, TypeError, OSError) as err:
            raise JournalError(f"{meta}: cannot read the schema version ({err})") from None
        # JSON's true, 1.9 or 1e400 are no format version: int() would take them as 1.
        if type(version) is not int or version < 1:
            shown = json.dumps(version)[:40]
            raise JournalError(f"{meta}: schema_version {shown} is not a whole number from 1")
        if version > SCHEMA_VERSION:
            raise JournalError(
                f"{self.path} was written by a newer acutrack (format {version}; this one reads "
                f"up to {SCHEMA_VERSION}). Upgrade acutrack to use it."
            )

    def _append(self, spec: TableSpec, values: dict[str, Any], action: str) -> None:
        self._append_many(spec, [values], action)

    def _append_many(self, spec: TableSpec, records: list[dict[str, Any]], action: str) -> None:
        """Write validated records to ``spec``'s file in one locked append."""
        with self._writing(spec):
            self._append_held(spec, records, action)

    @contextlib.contextmanager
    def _writing(self, spec: TableSpec) -> Iterator[None]:
        """Hold ``spec``'s file lock for a write, once the journal can take one.

        The format file is written first, so that an error always means that no row
        was stored (a retry then makes no duplicate). Errors of the file system become
        a `JournalError` saying what went wrong.
        """
        if self.read_only:
            raise JournalError(f"{self.path} is read-only; open your own journal to write.")
        self._check_version()
        try:
            if not (self.path / META_FILE).exists():
                write_private(self.path / META_FILE, _META_TEXT)
            with locked(self.file(spec), self.lock_timeout):
                self._held += 1
                try:
                    yield
                finally:
                    self._held -= 1
                    self._forget(spec.filename)
        except Timeout:
            raise JournalError(
                f"cannot write to {self.path}: another program has held its lock for "
                f"{self.lock_timeout:g} s; nothing was written, try again"
            ) from None
        except OSError as err:
            raise JournalError(
                f"cannot write to {self.path}: {err.strerror or err}; nothing was written"
            ) from err

    def _put(self, spec: TableSpec, values: dict[str, Any]) -> None:
        """Add a keyed row, or correct it when the key stands already (decided under the lock)."""
        with self._writing(spec):
            rows, _ = read_rows(self.file(spec), spec)
            known = rows.get(values[spec.key])
            action = "add" if known is None else "correct"
            self._append_held(spec, [values], action, known and _recorded_at(known))

    def _append_held(
        self,
        spec: TableSpec,
        records: list[dict[str, Any]],
        action: str,
        not_before: datetime | None = None,
    ) -> None:
        """Append while holding the lock; ``recorded_at`` is at least a second after
        ``not_before`` (the version being replaced), whatever the clock says.

        Whole seconds keep the form every reader parses at once; a second's step keeps the
        versions of an entry strictly in order, so sorting a file in a spreadsheet never
        changes which one stands (three versions in one second are recorded 1 s apart).
        """
        now = self._clock().astimezone(UTC).replace(microsecond=0)
        if not_before is not None:
            now = max(now, not_before.astimezone(UTC).replace(microsecond=0) + _STEP)
        recorded_at = now.isoformat(timespec="seconds")
        rows = []
        for values in records:
            row = {f.name: f.to_text(values[f.name]) for f in spec.fields}
            row.update(values.get("_extra", {}))
            row["action"] = action
            row["recorded_at"] = recorded_at
            rows.append(row)
        # A file made by hand may lack the bookkeeping columns; only what carries meaning
        # must find its column (an "add" is what a row without an action means anyway).
        droppable = {"recorded_at"} | ({"action"} if action == "add" else set())
        needed = {*spec.required_columns}
        needed |= {k for row in rows for k, v in row.items() if v and k not in droppable}
        append_locked(self.file(spec), rows, spec.columns, sorted(needed))

    @contextlib.contextmanager
    def _entry(self, entry_id: str) -> Iterator[tuple[TableSpec, Row]]:
        """The table holding ``entry_id`` and its latest row, read and held under its lock.

        Holding the lock from this read to the append that follows means that no other
        writer's correction or deletion can come in between and be lost.
        """
        for spec in self._specs():
            if not self.file(spec).exists():
                continue
            with contextlib.ExitStack() as held:
                if spec.name == "sessions":  # its slot may change too: the plan's lock first
                    held.enter_context(self._writing(plan_spec(self.catalog)))
                held.enter_context(self._writing(spec))
                row = read_entry(self.file(spec), spec, entry_id)
                if row is not None:
                    yield spec, row
                    return
        raise InvalidValue("id", entry_id, "expected the id of a journal entry that is not deleted")

    def _load(self, spec: TableSpec) -> tuple[pd.DataFrame, list[Problem]]:
        self._check_version()
        table, problems, _ = self._loaded(spec)
        return table, problems

    def _loaded(self, spec: TableSpec) -> tuple[pd.DataFrame, list[Problem], list[Problem]]:
        """`frames.load_table` of a file of the journal (once inside `snapshot`), a copy
        the caller may change, and its same-second versions (for `validate`)."""
        from ..frames import load_table

        table, problems = self._cached(
            ("table", spec.filename), lambda: load_table(self.file(spec), spec, self._data(spec))
        )
        table = table.copy()
        return table, list(problems), table.attrs.pop("ties", [])

    def _rows(self, spec: TableSpec) -> tuple[dict[str, Row], list[Problem]]:
        """`loading.read_rows` of a file of the journal (once inside `snapshot`)."""
        rows, problems = self._cached(
            ("rows", spec.filename), lambda: read_rows(self.file(spec), spec, self._data(spec))
        )
        return dict(rows), list(problems)

    def versions(self, spec: TableSpec) -> tuple[list[Version], list[Problem]]:
        """Every readable row of a small file of the journal, in the order written, and
        what could not be read (`loading.read_versions`; once inside `snapshot`).

        For rules that depend on the history rather than on the standing entries (which
        red-flag answer stands).
        """
        versions, problems = self._cached(
            ("versions", spec.filename),
            lambda: read_versions(self.file(spec), spec, self._data(spec)),
        )
        return list(versions), list(problems)

    def _table(self, spec: TableSpec) -> pd.DataFrame:
        from ..conflicts import conflict_note

        table, problems = self._load(spec)
        if problems:
            warnings.warn(
                f"{plural(len(problems), 'problem')} in {self.file(spec)}; unreadable rows were "
                "left out. `acutrack validate` lists them by line and field.",
                JournalWarning,
                stacklevel=3,
            )
        # The folder is listed for conflict copies once per file inside `snapshot` (and
        # again after a write to the file, which changes what only a copy holds).
        note = self._cached(("conflicts", spec.filename), lambda: conflict_note(self, spec.name))
        if note:
            warnings.warn(f"{note}.", JournalWarning, stacklevel=3)
        return table


_OUTCOME_SPECS = (peg_spec(), pgic_spec(), medication_spec(), screen_spec())
_IMPORTED_RATINGS = imported_rating_spec()
# The entry files whose columns do not depend on the catalog, by name.
_OTHER_SPECS = {spec.name: spec for spec in (*_OUTCOME_SPECS, _IMPORTED_RATINGS)}


def _answer(name: str) -> Callable[[dict[str, Any]], Any]:
    """A record of the outcome measures, imported when first made (see `records`)."""

    def make(values: dict[str, Any]) -> Any:
        from .. import answers

        kind = getattr(answers, name)
        return kind.from_values(values) if name == "Screen" else kind(**values)

    return make


# Each entry file's record, made from a row's values.
_RECORDS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "sessions": lambda v: Session(**v),
    "ratings": lambda v: Rating(**v),
    "imported_ratings": lambda v: Rating(**v),
    "peg": _answer("Peg"),
    "pgic": _answer("Pgic"),
    "medications": _answer("Medication"),
    "screens": _answer("Screen"),
}


def _records(sessions: pd.DataFrame) -> list[Session]:
    """The rows of a sessions table as `Session` records."""
    columns = [f for f in Session.__dataclass_fields__ if f in sessions and f != "slot"]
    return [
        Session(**dict(zip(columns, values, strict=True)))
        for values in sessions[columns].itertuples(index=False, name=None)
    ]


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells a changed file from an unchanged one without reading it."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def _recorded_at(row: Row) -> datetime | None:
    """When ``row`` was written, if its file says so readably."""
    try:
        moment = datetime.fromisoformat(row.cells.get("recorded_at", "").strip())
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None
