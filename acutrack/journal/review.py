"""The review of every file: `Journal.problems` and what `validate` and `show` read."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from ..catalog import Catalog
from ..csvstore import (
    read_records,
)
from ..errors import JournalError
from ..loading import read_rows
from ..records import Problem
from ..tables import (
    TableSpec,
    import_spec,
    plan_spec,
    profile_spec,
    rating_spec,
    session_spec,
)

if TYPE_CHECKING:
    import pandas as pd


from .store import _IMPORTED_RATINGS, _OUTCOME_SPECS, META_FILE


class _Review:
    """The review of every file: `Journal.problems` and what `validate` and `show` read.

    A part of `Journal`, which brings the parts together; not used on its own.
    """

    def problems(self) -> pd.DataFrame:
        """Everything wrong in the journal's files, without changing them.

        It always answers: a journal it cannot read at all (a damaged ``journal.json``,
        a path that is a file) is one problem in the table, not an error.

        Returns
        -------
        DataFrame
            One row per problem: ``file``, ``line`` (1 is the header; 0 for the file as a
            whole), ``field``, ``value`` (as written) and ``why``.
        """
        return self.review()[2]

    def review(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Sessions, ratings and `problems`, from one reading of the files (for `show`)."""
        import pandas as pd

        from ..frames import empty_table

        columns = ["file", "line", "field", "value", "why"]
        catalog, in_catalog = self._catalog()
        found = list(in_catalog)  # a copy: the catalog's own list is kept for the next call
        sessions_spec, ratings_spec = session_spec(catalog), rating_spec()
        sessions, ratings = empty_table(sessions_spec), empty_table(ratings_spec)
        try:
            self._check_version()
        except JournalError as err:
            meta = Problem(META_FILE, 0, "schema_version", "", str(err))
            if "newer acutrack" in str(err) or not self.path.is_dir():
                # Its files cannot be judged by this version.
                return sessions, ratings, pd.DataFrame([asdict(meta)], columns=columns)
            found = [meta, *found]
        sessions, in_sessions, session_ties = self._loaded(sessions_spec)
        ratings, in_ratings, rating_ties = self._loaded(ratings_spec)
        found += in_sessions + in_ratings + self._dangling_follow_ups(ratings)
        found += session_ties + rating_ties
        slots, in_plan = self._rows(plan_spec(catalog))
        found += in_plan + self._slot_problems(slots, sessions)
        for spec in (*_OUTCOME_SPECS, _IMPORTED_RATINGS):
            _, in_table, ties = self._loaded(spec)
            found += in_table + ties
        for spec in (profile_spec(), import_spec()):
            found += self._rows(spec)[1]
        found += self._imports_without_ledger()
        table = pd.DataFrame([asdict(p) for p in found], columns=columns)
        table = table.sort_values(["file", "line"], kind="stable").reset_index(drop=True)
        return self.blinded(sessions), ratings, table

    def _dangling_follow_ups(self, ratings: pd.DataFrame) -> list[Problem]:
        """Standing check-ins that follow up a session id no row of sessions.csv has.

        A session that was deleted keeps its id in the file's history, so its follow-ups
        are no problem: the person chose to delete it.
        """
        linked = ratings.dropna(subset=["session_id"])
        if linked.empty:
            return []
        path = self.file(session_spec(Catalog()))
        text = path.read_bytes().decode("utf-8", "surrogateescape") if path.exists() else ""
        header, good, _ = read_records(text)
        at = header.index("id") if "id" in header else None
        known = {r.cells[at].strip() for r in good} if at is not None else set()
        dangling = [
            (rid, sid)
            for rid, sid in zip(linked["id"], linked["session_id"], strict=True)
            if sid not in known
        ]
        lines = self._lines(rating_spec(), {rid for rid, _ in dangling}) if dangling else {}
        why = "no session in this journal has this id"
        name = self.file(rating_spec()).name
        return [Problem(name, lines.get(rid, 0), "session_id", sid, why) for rid, sid in dangling]

    def _lines(self, spec: TableSpec, ids: set[str]) -> dict[str, int]:
        """The line of each entry's standing row."""
        rows, _ = read_rows(self.file(spec), spec)
        return {k: row.line for k, row in rows.items() if k in ids}
