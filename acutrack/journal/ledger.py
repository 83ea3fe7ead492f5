"""The import ledger (``imports.csv``): each source record once, with provenance."""

from __future__ import annotations

import contextlib
import os
import re
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..csvstore import (
    roll_back,
    rollback_point,
)
from ..errors import InvalidValue
from ..loading import read_rows
from ..records import Problem
from ..tables import TableSpec, import_spec, medication_spec, rating_spec

if TYPE_CHECKING:
    import pandas as pd

    from ..importing import ImportReport

from ..words import plural
from .store import _IMPORTED_RATINGS, JournalWarning

#: An imported entry's id: its source key's first 16 hexadecimal digits (`import_records`).
#: A pattern's text, compiled (and cached by `re`) when `validate` first looks for one.
_IMPORTED_ID = r"[a-z]-[0-9a-f]{16}"
_NO_LEDGER = (
    "an imported entry whose row in imports.csv is missing (an import stopped between its "
    "two writes), so where it came from, its scale and original value are unknown: import "
    "the same file again to restore them (nothing is added twice)"
)


class _ImportLedger:
    """The import ledger (``imports.csv``): each source record once, with provenance.

    A part of `Journal`, which brings the parts together; not used on its own.
    """

    def import_file(
        self,
        app: str,
        path: str | os.PathLike[str],
        *,
        mapping: str | dict[str, str] | None = None,
        scale: str | None = None,
        date_order: str | None = None,
        dry_run: bool = False,
    ) -> ImportReport:
        """Deprecated (kept for one release): use `acutrack.importing.import_file`, which
        reads the file; the journal keeps the ledger (`import_records`)."""
        import warnings

        from ..importing import import_file

        warnings.warn(
            "Journal.import_file(...) is now acutrack.importing.import_file(journal, ...)",
            DeprecationWarning,
            stacklevel=2,
        )
        options = dict(mapping=mapping, scale=scale, date_order=date_order, dry_run=dry_run)
        return import_file(self, app, path, **options)

    def import_records(
        self, items: Sequence[Any], *, app: str, source_file: str, dry_run: bool = False
    ) -> tuple[list[Any], list[Any], list[tuple[Any, InvalidValue]], list[Any]]:
        """Add entries brought in from another app, each source record once, with provenance.

        Parameters
        ----------
        items : sequence
            Each has ``kind`` (``"ratings"``, ``"imported_ratings"`` or
            ``"medications"``), ``values`` (the entry's fields by name, without ``id``),
            ``source_key`` (32 hexadecimal digits naming the source record by its
            content), ``source_row``, ``precision``, ``scale`` and ``original`` (the
            columns of ``imports.csv``, `tables.import_spec`). `acutrack.importing` makes
            them from a file.
        app, source_file : str
            Where they come from (`tables.IMPORT_APPS`; the file's name).
        dry_run : bool
            Decide what would be added, and write nothing.

        Returns
        -------
        added : list
            The items added (or, with ``dry_run``, that would be), in order.
        known : list
            Items already brought in: their key is in the ledger, or their entry's id in
            their file (even as a deleted entry), or an earlier item had the same key.
        invalid : list of (item, InvalidValue)
            Items whose values the journal refuses (a date in the future, say).
        mended : list
            Items whose entry is in its file but whose ledger row is missing (an import
            stopped between the two appends): their ledger rows are written now, so their
            origin, scale and original value are known again.

        Notes
        -----
        An entry's id comes from its source key (``r-`` and 16 hexadecimal digits, longer
        than a logged entry's 10, so the two never meet): an entry whose ledger row was
        lost is still recognised, and its ledger row is made again. The ledger's lock is
        taken first, then each file's; holding them from reading the keys to the last
        append means that two imports of one file at the same time add each record once.
        The entries are appended first (one write per file), then their ledger rows; if
        any append fails, what this call appended is cut off again, so an error means that
        nothing was stored.
        """
        specs = {s.name: s for s in (rating_spec(), _IMPORTED_RATINGS, medication_spec())}
        ledger = import_spec()
        kinds = [name for name in specs if any(item.kind == name for item in items)]
        with contextlib.ExitStack() as held:
            if items and not dry_run:
                for spec in (ledger, *(specs[kind] for kind in kinds)):  # always this order
                    held.enter_context(self._writing(spec))
            known_keys = set(self._cells(ledger, "source_key"))
            known_ids = {kind: self._cells(specs[kind], "id") for kind in kinds}
            added, known, invalid, mended = [], [], [], []
            entries: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
            provenance: list[dict[str, Any]] = []
            for item in items:
                if item.source_key in known_keys:
                    known.append(item)
                    continue
                known_keys.add(item.source_key)
                spec = specs[item.kind]
                entry_id = f"{spec.id_prefix}-{item.source_key[:16]}"
                row = dict(entry_id=entry_id, kind=item.kind, source_key=item.source_key)
                row |= dict(app=app, source_file=source_file, source_row=item.source_row)
                row |= dict(precision=item.precision, scale=item.scale, original=item.original)
                if entry_id in known_ids[item.kind]:  # its entry is there, its ledger row not
                    provenance.append({f.name: f.parse(row[f.name]) for f in ledger.fields})
                    mended.append(item)
                    continue
                try:
                    values = self._validated(spec, {**item.values, "id": entry_id})
                    row = {f.name: f.parse(row[f.name]) for f in ledger.fields}
                except InvalidValue as err:
                    known_keys.discard(item.source_key)
                    invalid.append((item, err))
                    continue
                entries[item.kind].append(values)
                provenance.append(row)
                added.append(item)
            if provenance and not dry_run:
                self._write_imports(specs, entries, provenance)
        return added, known, invalid, mended

    def _write_imports(
        self,
        specs: dict[str, TableSpec],
        entries: dict[str, list[dict[str, Any]]],
        provenance: list[dict[str, Any]],
    ) -> None:
        """Append the entries, file by file, then their ledger rows (locks held); on any
        failure cut off again what was appended, so that nothing is stored."""
        appended = []
        try:
            for kind, records in entries.items():
                if records:
                    path = self.file(specs[kind])
                    appended.append((path, rollback_point(path)))
                    self._append_held(specs[kind], records, "add")
            self._append_held(import_spec(), provenance, "add")
        except BaseException:
            for path, point in reversed(appended):
                with contextlib.suppress(OSError):  # the append's own error is reported
                    roll_back(path, point)
            raise

    def imports(self) -> pd.DataFrame:
        """The import ledger: where each imported entry came from, in the order imported.

        Returns
        -------
        DataFrame
            One row per imported entry, deleted ones too (the ledger remembers them, so
            that an import does not bring them back): the columns of ``imports.csv``
            (`tables.import_spec`), ``source_row`` a whole number.
        """
        import pandas as pd

        spec = import_spec()
        rows, problems = read_rows(self.file(spec), spec)
        if problems:
            warnings.warn(
                f"{plural(len(problems), 'problem')} in {self.file(spec)}; `acutrack validate` "
                "lists them by line and field.",
                JournalWarning,
                stacklevel=2,
            )
        table = pd.DataFrame([row.values for row in rows.values()], columns=spec.columns[:-2])
        return table.astype({"source_row": "int64"})

    def _imports_without_ledger(self) -> list[Problem]:
        """Imported entries (an id of 16 hexadecimal digits) that ``imports.csv`` lacks."""
        ledger = self._cells(import_spec(), "entry_id")
        found = []
        for spec in (rating_spec(), _IMPORTED_RATINGS, medication_spec()):
            for entry_id, line in self._cells(spec, "id").items():
                if re.fullmatch(_IMPORTED_ID, entry_id) and entry_id not in ledger:
                    found.append(Problem(spec.filename, line, "id", entry_id, _NO_LEDGER))
        return found
