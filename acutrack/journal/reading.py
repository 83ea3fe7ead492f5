"""The journal read as tables and records."""

from __future__ import annotations

import warnings
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from ..tables import (
    medication_spec,
    peg_spec,
    pgic_spec,
    profile_spec,
    screen_spec,
)

if TYPE_CHECKING:
    import pandas as pd


from .store import _IMPORTED_RATINGS, _OTHER_SPECS, _RECORDS, JournalWarning


class _Reading:
    """The journal read as tables and records.

    A part of `Journal`, which brings the parts together; not used on its own.
    """

    def sessions(self) -> pd.DataFrame:
        """All current sessions, one row each, sorted by time.

        Returns
        -------
        DataFrame
            ``id``; ``started_at`` (tz-aware, UTC); ``local_time`` (the wall-clock time
            as recorded, naive); ``routine``; ``points`` (tuple of codes); ``condition``
            (categorical: real, sham); ``duration_min`` (float); ``pain_before`` and
            ``pain_after`` (int, 0–10); ``location``; ``notes``; then any column the user
            added to the file (text). Rows that could not be read are left out and warned
            about (`JournalWarning`); `problems` lists them.
        """
        return self._table(self._specs()[0])

    def ratings(self) -> pd.DataFrame:
        """All current pain check-ins, one row each, sorted by time.

        Returns
        -------
        DataFrame
            ``id``; ``rated_at`` (tz-aware, UTC); ``local_time``; ``pain`` (int, 0–10);
            ``location``; ``session_id`` (the followed-up session, or missing); ``stress``
            (nullable Int64, 0–10); ``notes``; then any column the user added.
        """
        return self._table(self._specs()[1])

    def peg(self) -> pd.DataFrame:
        """All current PEG-3 answers, sorted by time.

        Returns
        -------
        DataFrame
            ``id``; ``answered_at`` (UTC); ``local_time``; ``pain``, ``enjoyment``,
            ``activity`` (int, 0–10); ``notes``; ``score`` (float, their mean).
        """
        table = self._table(peg_spec())
        table["score"] = table[["pain", "enjoyment", "activity"]].mean(axis=1)
        return table

    def pgic(self) -> pd.DataFrame:
        """All current answers to the global impression of change, sorted by time.

        Returns
        -------
        DataFrame
            ``id``; ``answered_at``; ``local_time``; ``change`` (int, 1–7); ``since``
            (a date, or missing); ``notes``.
        """
        return self._table(pgic_spec())

    def medications(self) -> pd.DataFrame:
        """All current medicines and other treatments taken, sorted by time.

        Returns
        -------
        DataFrame
            ``id``; ``taken_at``; ``local_time``; ``name``; ``dose`` (float, NaN when not
            given); ``unit``; ``use`` (``regular`` or ``as-needed``); ``notes``.
        """
        return self._table(medication_spec())

    def imported_ratings(self) -> pd.DataFrame:
        """Pain ratings imported from another app that are not check-ins: their own series.

        Ratings imported on a scale coarser than 0–10 (Bearable's 0–4 symptoms, say), or
        with only a day and no time of day, are kept in ``imported_ratings.csv``, apart
        from `ratings`, so that weekly trends, verdicts and pain alerts never see them.

        Returns
        -------
        DataFrame
            The columns of `ratings` (``pain`` converted to 0–10, see
            `acutrack.importing.to_ten`), then ``original`` (the value as the source wrote
            it), ``scale`` (e.g. ``0-4``), ``precision`` (``exact``, ``part-of-day`` or
            ``day``), ``app``, ``source_file`` and ``source_row``, from ``imports.csv``.
        """
        columns = ["original", "scale", "precision", "app", "source_file", "source_row"]
        ledger = self.imports().set_index("entry_id")[columns]
        return self._table(_IMPORTED_RATINGS).join(ledger, on="id")

    def screens(self) -> pd.DataFrame:
        """All current red-flag screens, sorted by time.

        Returns
        -------
        DataFrame
            ``id``; ``answered_at``; ``local_time``; one column per question of
            `acutrack.screening.QUESTIONS` (``yes`` or ``no``); ``notes``.
        """
        return self._table(screen_spec())

    def sessions_and_ratings(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Sessions and ratings for a screen or a report, without warnings.

        Rows that cannot be read are left out as by `sessions` and `ratings`, but
        quietly: `problems` and ``acutrack validate`` are where they are reported. The
        sessions of a blind plan still running are shown as its sets (`blinded`).
        """
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", JournalWarning)
            return self.blinded(self.sessions()), self.ratings()

    def blinded(self, sessions: pd.DataFrame) -> pd.DataFrame:
        """``sessions`` as every view of the kit shows them while a blind plan runs.

        Each session of a plan still blind (`Journal.blinded_sessions`) shows its set as
        its condition (``set A``, ``set B``, added to the categories), the real routine
        both sets test as its routine, and no points (their codes would tell the sham
        spots). What was pressed stays in the files, and shows once the plan ends.
        """
        sets = self.blinded_sessions()
        hidden = sessions["id"].isin(sets).to_numpy()
        if not hidden.any():
            return sessions
        shown = sessions.copy()
        shown["condition"] = shown["condition"].cat.add_categories(["set A", "set B"])
        shown.loc[hidden, "condition"] = shown.loc[hidden, "id"].map(sets)
        shown.loc[hidden, "routine"] = [
            self.catalog.tested(key).key for key in shown.loc[hidden, "routine"]
        ]
        shown["points"] = [() if h else p for h, p in zip(hidden, shown["points"], strict=True)]
        return shown

    def as_shown(self, record: Any) -> Any:
        """An entry as the kit shows it: a session of a blind plan as its set, like
        `blinded`; any other entry as it is."""
        arm = self.blinded_sessions().get(record.id)
        if arm is None:
            return record
        return replace(
            record, routine=self.catalog.tested(record.routine).key, condition=arm, points=()
        )

    def entries(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Deprecated name of `sessions_and_ratings` (kept for one release): the journal
        holds other entries too."""
        warnings.warn(
            "Journal.entries() is now Journal.sessions_and_ratings()",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.sessions_and_ratings()

    def first_day(self) -> date | None:
        """The day of the first session or check-in (as the clock showed it then), or None
        in an empty journal.

        Read through the tables' vectorised loader: the forms ask it after every save,
        and a row-by-row read of a long journal would make each save wait.
        """
        firsts = [table["local_time"].min() for table in self.sessions_and_ratings() if len(table)]
        return min(firsts).date() if firsts else None

    def latest(self, kind: str) -> Any:
        """The latest standing entry of one kind (``"screens"``, ``"peg"``, ...), or None.

        Read without pandas, so that the command line can ask whether a screen is due.
        """
        spec = _OTHER_SPECS.get(kind) or {s.name: s for s in self._specs()}[kind]
        rows, _ = self._rows(spec)
        # The latest by time; of equal times, the one written last.
        last = max(rows.values(), key=lambda r: (r.values[spec.time], r.line), default=None)
        return _RECORDS[kind](last.values) if last else None

    def profile(self) -> dict[str, str]:
        """The name and id the person set, by key (``name``, ``patient_id``); unset are left out."""
        spec = profile_spec()
        rows, _ = self._rows(spec)
        return {k: row.values["value"] for k, row in rows.items() if row.values["value"]}
