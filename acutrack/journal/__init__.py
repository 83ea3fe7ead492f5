"""The journal: a folder of append-only CSV files that the user owns.

``sessions.csv`` holds treatment sessions, ``ratings.csv`` pain check-ins, and
``journal.json`` the format version. Logging validates every field, then appends one row
under a lock (constant time, fsynced). Corrections and deletions append too, so the files
keep the whole history; loading keeps the latest row for each id.

This module imports pandas only when a table is loaded, so logging from the command line
stays fast.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..errors import InvalidValue
from ..fields import TimeField
from ..loading import read_entry
from ..records import Rating, Session
from ..tables import (
    TableSpec,
    medication_spec,
    peg_spec,
    pgic_spec,
    profile_spec,
    rating_spec,
    screen_spec,
    session_spec,
)

if TYPE_CHECKING:
    from ..answers import Medication, Peg, Pgic, Screen

from .ledger import _ImportLedger
from .own_catalog import _OwnCatalog
from .reading import _Reading
from .review import _Review
from .slots import _PlanSlots
from .store import _RECORDS, JournalWarning, _recorded_at, _Store

__all__ = ["Journal", "JournalWarning"]

#: The earliest day a PGIC answer may count change from.
_FIRST_DAY = date(1970, 1, 1)


class Journal(_Store, _OwnCatalog, _PlanSlots, _ImportLedger, _Review, _Reading):
    """A journal folder.

    Parameters
    ----------
    path : str or Path
        The folder. It is created, readable by its owner only, on the first write.
    read_only : bool
        Refuse every write (used for the bundled sample journal).
    clock : callable, optional
        Returns the current time (aware); the default reads the computer's clock. The
        sample generator and tests pass their own.
    make_id : callable, optional
        Makes a new id from a prefix (``"s"`` or ``"r"``); the default is random.
    lock_timeout : float, optional
        Seconds a write waits for another writer's lock before giving up with a
        `JournalError`: ``$ACUTRACK_LOCK_TIMEOUT`` when set, else 30.

    Notes
    -----
    A relative ``path`` is made absolute once, here, so that a journal opened from one
    folder stays the same journal when the working folder changes (a notebook's kernel
    runs elsewhere than the command that started it).

    Times without a UTC offset (a naive ``datetime`` or ``"2026-11-25 09:30"``) are taken
    as the computer's local time and stored with that offset. A local time that the
    clocks skipped (a daylight-saving gap) is refused; one they showed twice is the
    first of the two. Times more than a day in the future are rejected as typos.

    Examples
    --------
    >>> j = Journal(tmp_path)                                      # doctest: +SKIP
    >>> s = j.log_session(pain_before=6, pain_after=3, routine="back")  # doctest: +SKIP
    >>> j.correct(s.id, pain_after=4)                              # doctest: +SKIP
    """

    def _session_values(self, spec: TableSpec, given: dict[str, Any]) -> dict[str, Any]:
        """Validate a whole session, filling points, minutes and condition from its routine."""
        # The spec's own catalog: the user's routine and point files are read once per entry.
        catalog = spec.field("routine").catalog  # type: ignore[attr-defined]
        routine = catalog.routine(given["routine"])
        filled = dict(given, routine=routine.key)
        if filled.get("points") is None:
            if not routine.points:
                raise InvalidValue(
                    "points",
                    None,
                    f"expected the points pressed: {routine.key!r} has none of its own",
                )
            filled["points"] = routine.points
        if filled.get("duration_min") is None:
            filled["duration_min"] = routine.default_minutes
        if filled.get("condition") is None:
            filled["condition"] = routine.condition or "real"
        values = {f.name: f.parse(filled.get(f.name)) for f in spec.fields}
        if routine.condition and values["condition"] != routine.condition:
            raise InvalidValue(
                "condition",
                filled["condition"],
                f"expected {routine.condition!r} for routine {routine.key!r} "
                f"(use routine {routine.twin!r} for a {values['condition']} session)",
            )
        return values

    def _rating_values(self, spec: TableSpec, given: dict[str, Any]) -> dict[str, Any]:
        return {f.name: f.parse(given.get(f.name)) for f in spec.fields}

    def _validated(
        self, spec: TableSpec, given: dict[str, Any], changed: Sequence[str] | None = None
    ) -> dict[str, Any]:
        """An entry's values parsed and checked; ``changed`` names the fields being set by
        a correction (None: all), so that a field nobody touched is not checked against
        the clock again."""
        check = self._session_values if spec.name == "sessions" else self._rating_values
        values = check(spec, given)
        time_field = spec.field(spec.time)
        assert isinstance(time_field, TimeField)
        if changed is None or spec.time in changed:
            time_field.check_not_future(values[spec.time], self._clock())
        since = values.get("since") if spec.name == "pgic" else None
        if since is not None and not _FIRST_DAY <= since <= values[spec.time].date():
            raise InvalidValue(
                "since",
                since,
                f"expected the day the change is counted from: on or before the day of the "
                f"answer ({values[spec.time]:%Y-%m-%d}) and no earlier than {_FIRST_DAY}",
            )
        return values

    def log_session(
        self,
        pain_before: int,
        pain_after: int,
        routine: str | None = None,
        condition: str | None = None,
        points: list[str] | tuple[str, ...] | str | None = None,
        duration_min: float | None = None,
        location: str = "lower-back",
        started_at: datetime | str | None = None,
        notes: str = "",
        slot: str | None = None,
    ) -> Session:
        """Record one treatment session.

        Parameters
        ----------
        pain_before, pain_after : int
            Pain from 0 (none) to 10 (worst imaginable) before and after the session.
        routine : str, optional
            A built-in routine (``back``, ``stress``, their ``-sham`` twins, ``custom``) or
            one of the user's; ``back`` by default.
        condition : {"real", "sham"}, optional
            Defaults to the routine's own (``sham`` for a sham routine), else ``real``.
        points : list of str or str, optional
            Point codes pressed; defaults to the routine's points.
        duration_min : float, optional
            Minutes, from 1 second (0.0167) to 600, written like ``2.5``; defaults to the
            routine's timing.
        location : str
            Where it hurts.
        started_at : datetime or str, optional
            When it started; defaults to now. Without an offset, local time is assumed.
        notes : str
            Any text.
        slot : str, optional
            Deprecated (kept for one release): use `acutrack.plan.log_planned`, which
            this forwards to.

        Returns
        -------
        Session
            The stored record, with its new ``id`` and the ``slot`` it filled.

        Raises
        ------
        InvalidValue
            A ``ValueError`` naming the field, the value and what is allowed.
        """
        fields = dict(
            started_at=started_at,
            routine=routine,
            points=points,
            condition=condition,
            duration_min=duration_min,
            pain_before=pain_before,
            pain_after=pain_after,
            location=location,
            notes=notes,
        )
        if slot is not None:
            warnings.warn(
                "log_session(slot=...) is now acutrack.plan.log_planned(journal, ..., slot=...)",
                DeprecationWarning,
                stacklevel=2,
            )
            # The one import of a rule from storage: this deprecated alias, kept one release.
            from ..plan import log_planned

            return log_planned(self, slot=slot, **fields)
        spec = session_spec(self.catalog)
        values = self._new_session(
            spec, {**fields, "routine": "back" if routine is None else routine}
        )
        self._append(spec, values, "add")
        return Session(**values)

    def _new_session(self, spec: TableSpec, fields: dict[str, Any]) -> dict[str, Any]:
        """A new session's values, validated, with a new id; no time means now."""
        given = dict(fields, id=self._make_id(spec.id_prefix))
        if given.get("started_at") is None:
            given["started_at"] = self._clock()
        return self._validated(spec, given)

    def log_many(self, kind: str, entries: list[dict[str, Any]]) -> int:
        """Validate many entries of one kind and append them in one locked write.

        For bringing in a history at once (an import, a benchmark's fixture): each entry
        holds the fields of its file by name (those of `log_session`, `log_rating`, ...;
        it may give its own ``id``); one bad entry stops the whole write, naming the field.

        Parameters
        ----------
        kind : str
            ``"sessions"``, ``"ratings"``, ``"peg"``, ``"pgic"``, ``"medications"``,
            ``"screens"`` or ``"imported_ratings"``.
        entries : list of dict

        Returns
        -------
        int
            How many were stored.
        """
        specs = {spec.name: spec for spec in self._specs()}
        if kind not in specs:
            raise InvalidValue("kind", kind, f"expected one of {', '.join(specs)}")
        spec = specs[kind]
        defaults = {spec.time: self._clock()} | ({"routine": "back"} if kind == "sessions" else {})
        records = [
            self._validated(spec, {"id": self._make_id(spec.id_prefix), **defaults, **entry})
            for entry in entries
        ]
        self._append_many(spec, records, "add")
        return len(records)

    def log_rating(
        self,
        pain: int,
        rated_at: datetime | str | None = None,
        location: str = "lower-back",
        session_id: str | None = None,
        stress: int | None = None,
        notes: str = "",
    ) -> Rating:
        """Record a pain check-in.

        Parameters
        ----------
        pain : int
            Pain now, 0–10.
        rated_at : datetime or str, optional
            When; defaults to now. Without an offset, local time is assumed.
        location : str
            Where it hurts.
        session_id : str, optional
            The session this rating follows up (e.g. two hours later). Whether that session
            exists is checked by `problems`, not here, so that logging stays constant-time.
        stress : int, optional
            Stress now, 0–10.
        notes : str
            Any text.

        Returns
        -------
        Rating
            The stored record, with its new ``id``.
        """
        spec = rating_spec()
        given = dict(
            rated_at=rated_at,
            pain=pain,
            location=location,
            session_id=session_id,
            stress=stress,
            notes=notes,
        )
        return self._log(spec, given)  # type: ignore[return-value]

    def _log(self, spec: TableSpec, given: dict[str, Any]) -> Any:
        """Validate one new entry of ``spec``'s file, append it and return its record."""
        when = given.get(spec.time)
        given = {"id": self._make_id(spec.id_prefix), **given}
        given[spec.time] = when if when is not None else self._clock()
        values = self._validated(spec, given)
        self._append(spec, values, "add")
        return _RECORDS[spec.name](values)

    def log_peg(
        self,
        pain: int,
        enjoyment: int,
        activity: int,
        answered_at: datetime | str | None = None,
        notes: str = "",
    ) -> Peg:
        """Record a PEG-3 answer: three 0–10 ratings of the past week.

        Parameters
        ----------
        pain : int
            Average pain in the past week, 0 (none) to 10 (as bad as you can imagine).
        enjoyment : int
            How much pain interfered with enjoyment of life, 0 (not at all) to 10
            (completely).
        activity : int
            How much pain interfered with general activity, 0 to 10.
        answered_at : datetime or str, optional
            When; defaults to now.
        notes : str

        Returns
        -------
        Peg
            The stored answer; its ``score`` is the mean of the three.
        """
        given = dict(pain=pain, enjoyment=enjoyment, activity=activity, notes=notes)
        return self._log(peg_spec(), {**given, "answered_at": answered_at})

    def log_pgic(
        self,
        change: int,
        since: date | str | None = None,
        answered_at: datetime | str | None = None,
        notes: str = "",
    ) -> Pgic:
        """Record a patient global impression of change.

        Parameters
        ----------
        change : int
            1 (no change, or worse) to 7 (a great deal better); see
            ``acutrack.answers.PGIC_ANSWERS`` for the words of each answer.
        since : date or str, optional
            The day the question asked about ("since you started on ..."); by default the
            day of the journal's first session or check-in.
        answered_at : datetime or str, optional
            When; defaults to now.
        notes : str

        Returns
        -------
        Pgic
        """
        if since is None:
            since = self.first_day()
        given = dict(change=change, since=since, notes=notes, answered_at=answered_at)
        return self._log(pgic_spec(), given)

    def log_medication(
        self,
        name: str,
        dose: float | str | None = None,
        unit: str = "",
        *,
        as_needed: bool = False,
        taken_at: datetime | str | None = None,
        notes: str = "",
    ) -> Medication:
        """Record a medicine (or another treatment) taken.

        Parameters
        ----------
        name : str
            What, e.g. ``"ibuprofen"``.
        dose : float or str, optional
            How much, in ``unit``.
        unit : str
            E.g. ``"mg"``.
        as_needed : bool
            Taken because of pain (rescue medication) rather than on a schedule.
        taken_at : datetime or str, optional
            When; defaults to now.
        notes : str

        Returns
        -------
        Medication
        """
        use = "as-needed" if as_needed else "regular"
        given = dict(name=name, dose=dose, unit=unit, use=use, notes=notes, taken_at=taken_at)
        return self._log(medication_spec(), given)

    def log_screen(
        self,
        answers: dict[str, str | bool],
        answered_at: datetime | str | None = None,
        notes: str = "",
    ) -> Screen:
        """Record the answers to the red-flag screen (`acutrack.screening.QUESTIONS`).

        Parameters
        ----------
        answers : dict
            Every question's name with ``"yes"`` or ``"no"`` (or True or False).
        answered_at : datetime or str, optional
            When; defaults to now.
        notes : str

        Returns
        -------
        Screen
        """
        spec = screen_spec()
        names = {f.name for f in spec.fields[2:-1]}
        unknown = sorted(set(answers) - names)
        if unknown:
            raise InvalidValue(unknown[0], answers[unknown[0]], "expected a screen question")
        said = {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in answers.items()}
        return self._log(spec, {**said, "notes": notes, "answered_at": answered_at})

    def set_profile(self, *, name: str | None = None, patient_id: str | None = None) -> None:
        """Set the name or id shown on reports and exports (``""`` clears one).

        Never required: a journal without them makes anonymous reports. Each change
        appends to ``profile.csv``, so the file keeps its history like the others.
        """
        spec = profile_spec()
        for key, value in (("name", name), ("patient_id", patient_id)):
            if value is not None:
                self._put(spec, {"key": key, "value": spec.field("value").parse(value.strip())})

    def find(self, entry_id: str) -> Any:
        """The standing entry with this id (a `Session`, `Rating`, `Peg`, ...), or None.

        Reads only the records that mention the id (see `loading.read_entry`), so it costs
        little however long the journal is.
        """
        for spec in self._specs():
            row = read_entry(self.file(spec), spec, entry_id.strip())
            if row is not None:
                return _RECORDS[spec.name](row.values)
        return None

    def correct(self, entry_id: str, **changes: Any) -> Any:
        """Change fields of an entry by appending a corrected row with the same id.

        The row is built from the entry's latest version, read under the file's lock,
        with only the named fields changed, so corrections made at the same time by
        other programs to other fields are kept.

        Parameters
        ----------
        entry_id : str
            The id of an entry: a session, check-in, PEG or PGIC answer, medication or
            red-flag screen.
        **changes
            New values by field name, e.g. ``pain_after=4``.

        Returns
        -------
        Session, Rating, Peg, Pgic, Medication or Screen
            The entry as it now stands. A session corrected into one its plan slot does not
            ask for (another routine or condition) opens the slot again.
        """
        with self._entry(entry_id) as (spec, row):
            unknown = [k for k in changes if k == "id" or k not in spec.columns[:-2]]
            if unknown:
                allowed = ", ".join(spec.columns[1:-2])
                raise InvalidValue(unknown[0], changes[unknown[0]], f"fields to change: {allowed}")
            hidden = [k for k in ("routine", "condition", "points") if k in changes]
            if spec.name == "sessions" and hidden and entry_id in self.blinded_sessions():
                # Refused alike whatever the value: which values pass would tell the set.
                raise InvalidValue(
                    hidden[0],
                    changes[hidden[0]],
                    "no change while its blind plan runs: a session of it keeps what was "
                    "pressed hidden until the plan ends (delete it to do it again)",
                )
            values = self._validated(spec, {**row.values, **changes}, changed=list(changes))
            values["_extra"] = {k: v for k, v in row.cells.items() if k not in spec.columns}
            self._append_held(spec, [values], "correct", _recorded_at(row))
            values.pop("_extra")
            record = _RECORDS[spec.name](values)
            if spec.name == "sessions":
                self._reopen_slot(record, entry_id)
        return record

    def delete(self, entry_id: str) -> None:
        """Delete an entry by appending a tombstone row; earlier rows stay in the file.

        A session that filled a plan's slot opens the slot again.
        """
        with self._entry(entry_id) as (spec, row):
            self._append_held(spec, [row.values], "delete", _recorded_at(row))
            if spec.name == "sessions":
                self._reopen_slot(None, entry_id)
