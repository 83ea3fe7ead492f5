"""Plan slots: storing plans and filling a slot with its session, under both locks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..csvstore import roll_back, rollback_point
from ..errors import InvalidValue
from ..loading import Row
from ..records import Problem, Session, Slot, still_blind, tested_point
from ..tables import TableSpec, plan_spec, session_spec

if TYPE_CHECKING:
    import pandas as pd


from .store import _recorded_at, _records


class _PlanSlots:
    """Plan slots: storing plans and filling a slot with its session, under both locks.

    A part of `Journal`, which brings the parts together; not used on its own.
    """

    def fill_slot(self, choose: Callable[[list[Slot]], tuple[Slot, dict[str, Any]]]) -> Session:
        """Append a session and fill a plan slot with it, both under their files' locks.

        The plan's lock is taken first (always in that order). ``choose`` is called under
        both locks with every plan's slots as they stand and returns the slot to fill and
        the session's fields (those of `log_session`, without ``slot``, and perhaps
        ``guess``: the person's guess of which set is real, stored with a blind plan's
        slot); it raises to refuse. Which slot is due, and whether planned sessions may be
        logged at all, are the plan's rules (`acutrack.plan.log_planned` chooses); the
        journal checks only that the two files will agree: the slot is open and asks for
        this session. If the slot's new version cannot be written, the session's bytes are
        cut off again.
        """
        spec = session_spec(self.catalog)
        slots_spec = plan_spec(self.catalog)
        with self._writing(slots_spec), self._writing(spec):
            rows = self._slot_rows()
            slot, fields = choose([Slot(**row.values) for row in rows.values()])
            guess = fields.pop("guess", None)
            values = self._new_session(spec, fields)
            if slot.slot not in rows:
                raise InvalidValue("slot", slot.slot, "expected the id of a slot of a plan")
            slot = Slot(**rows[slot.slot].values)
            if slot.filled:
                why = f"expected an open slot: session {slot.session_id} did this one"
                raise InvalidValue("slot", slot.slot, why)
            if slot.closed_at is not None:
                why = f"expected an open slot: its plan was ended on {slot.closed_at:%d %b %Y}"
                raise InvalidValue("slot", slot.slot, why)
            session = Session(**values, slot=slot.slot)
            same_plan = [Slot(**r.values) for r in rows.values() if r.values["plan"] == slot.plan]
            if not slot.fits(session, tested_point(same_plan)):
                why = f"expected the session this slot asks for: {slot.describe()}"
                raise InvalidValue("slot", slot.slot, why)
            guessed = self._guessed(slots_spec, slot, guess) if guess is not None else {}
            point = rollback_point(self.file(spec))
            self._append_held(spec, [values], "add")
            try:
                # When its session started, kept: the plan's gap is checked from plan.csv.
                done = {
                    **vars(slot),
                    "session_id": session.id,
                    "started_at": slot.started_at or values["started_at"],
                    **guessed,
                }
                self._append_held(slots_spec, [done], "correct", _recorded_at(rows[slot.slot]))
            except BaseException:
                roll_back(self.file(spec), point)
                raise
        return session

    def store_plan(
        self, slots: list[Slot], ends: Callable[[list[Slot]], str | None] | None = None
    ) -> None:
        """Store a new plan's slots in ``plan.csv``, whole or not at all.

        ``ends``, called under the plan's lock with every plan's slots as they stand,
        names a plan the new one replaces (its open slots are closed in the same locked
        write), or None; it raises to refuse the new plan. If closing fails, the new
        plan's bytes are cut off again.

        Raises
        ------
        InvalidValue
            When a slot's id is taken by a plan already in the journal (a plan made again
            with the same seed and start): it would replace that plan's slots.
        """
        spec = plan_spec(self.catalog)
        records = [{f.name: f.parse(getattr(s, f.name)) for f in spec.fields} for s in slots]
        with self._writing(spec):
            rows = self._slot_rows()
            ended = ends([Slot(**row.values) for row in rows.values()]) if ends else None
            taken = set(rows) & {r["slot"] for r in records}
            if taken:
                raise InvalidValue(
                    "slot",
                    sorted(taken)[0],
                    "expected a new plan: this one's slots exist already (same seed and start)",
                )
            point = rollback_point(self.file(spec))
            self._append_held(spec, records, "add")
            try:
                if ended is not None:
                    self._mark_open_held(spec, rows, ended, "closed_at")
            except BaseException:
                roll_back(self.file(spec), point)
                raise

    def start_slot(self, choose: Callable[[list[Slot]], tuple[Slot, int, datetime]]) -> Slot:
        """Record that a planned session has started, under the plan's lock.

        ``choose`` gets every plan's slots as they stand and returns the slot, the pain
        before and when the session started; it raises to refuse. The slot must be open
        and not started already: a started slot is done by its session and no other.

        Returns
        -------
        Slot
            The slot as now stored, with ``started_at`` and ``pain_before``.
        """
        spec = plan_spec(self.catalog)
        with self._writing(spec):
            rows = self._slot_rows()
            slot, pain_before, when = choose([Slot(**row.values) for row in rows.values()])
            slot = Slot(**rows[slot.slot].values)
            if not slot.open or slot.started_at is not None:
                why = "expected an open slot whose session has not started yet"
                raise InvalidValue("slot", slot.slot, why)
            values = {
                **vars(slot),
                "started_at": spec.field("started_at").parse(when),
                "pain_before": spec.field("pain_before").parse(pain_before),
            }
            self._append_held(spec, [values], "correct", _recorded_at(rows[slot.slot]))
        return Slot(**values)

    def close_plan(self, plan_id: str) -> int:
        """End a plan: its open slots are closed (never done), its done ones kept.

        Returns
        -------
        int
            How many slots were closed.
        """
        return self._mark_open(plan_id, "closed_at")

    def reveal_plan(self, plan_id: str) -> int:
        """Record that a plan's real or sham was shown for its open slots before their
        sessions (the person asked to see them); returns how many slots were marked."""
        return self._mark_open(plan_id, "revealed_at")

    def record_guess(self, slot_id: str, guess: str) -> Slot:
        """Store the person's guess after a blind plan's session: which set is real.

        Parameters
        ----------
        slot_id : str
            A done slot of a blind plan.
        guess : {"a", "b", "unsure"}
            The set they think is real, or that they cannot tell. A later guess for the
            same slot replaces the earlier one (both stay in the file).

        Returns
        -------
        Slot
            The slot as now stored.
        """
        spec = plan_spec(self.catalog)
        with self._writing(spec):
            rows = self._slot_rows()
            if slot_id not in rows:
                raise InvalidValue("slot", slot_id, "expected the id of a slot of a plan")
            slot = Slot(**rows[slot_id].values)
            plan = [Slot(**r.values) for r in rows.values() if r.values["plan"] == slot.plan]
            if not slot.filled or not still_blind(plan):
                why = "expected a done session of a blind plan still running (asked after it)"
                raise InvalidValue("slot", slot_id, why)
            values = {**vars(slot), **self._guessed(spec, slot, guess)}
            self._append_held(spec, [values], "correct", _recorded_at(rows[slot_id]))
        return Slot(**values)

    def _guessed(self, spec: TableSpec, slot: Slot, guess: object) -> dict[str, Any]:
        """A guess's fields for ``slot``'s next version, or why it cannot have one."""
        if not slot.blind_set:
            why = "a guess of which set is real goes with a session of a blind plan"
            raise InvalidValue("guess", guess, why)
        return {"guess": spec.field("guess").parse(guess), "guessed_at": self._clock()}

    def blinded_sessions(self) -> dict[str, str]:
        """The sessions of plans still blind (`still_blind`), each with its set's name
        (``set A``): what every view of the journal shows in place of routine and
        condition until the plan ends. Read from ``plan.csv`` alone."""
        plans: dict[str, list[Slot]] = {}
        for row in self._slot_rows().values():
            if row.values["blind_set"]:
                plans.setdefault(row.values["plan"], []).append(Slot(**row.values))
        return {
            s.session_id: s.arm
            for slots in plans.values()
            if still_blind(slots)
            for s in slots
            if s.filled
        }

    def _mark_open(self, plan_id: str, field: str) -> int:
        """Set ``field`` to now on each open slot of a plan (not set already), locked."""
        spec = plan_spec(self.catalog)
        with self._writing(spec):
            return self._mark_open_held(spec, self._slot_rows(), plan_id, field)

    def _mark_open_held(
        self, spec: TableSpec, rows: dict[str, Row], plan_id: str, field: str
    ) -> int:
        """`_mark_open` with the plan's lock held and its rows read."""
        mine = [r for r in rows.values() if r.values["plan"] == plan_id]
        waiting = [r for r in mine if Slot(**r.values).open and r.values[field] is None]
        now = self._clock()
        for row in waiting:  # each version a second after the one it replaces
            marked = {**row.values, field: now}
            self._append_held(spec, [marked], "correct", _recorded_at(row))
        return len(waiting)

    def _slot_rows(self) -> dict[str, Row]:
        spec = plan_spec(self.catalog)
        return self._rows(spec)[0]

    def plan_slots(self, plan_id: str | None = None, *, kind: str | None = None) -> list[Slot]:
        """The slots of a plan as they now stand, in order (the newest plan by default).

        Parameters
        ----------
        plan_id : str, optional
            Which plan.
        kind : {"real/sham", "leave-out"}, optional
            The newest plan of this kind.
        """
        plans: dict[str, list[Slot]] = {}
        for row in self._slot_rows().values():  # in the order the slots were first written
            plans.setdefault(row.values["plan"], []).append(Slot(**row.values))
        if kind is not None:
            leave_out = kind == "leave-out"
            plans = {k: v for k, v in plans.items() if any(s.leave_out for s in v) == leave_out}
        if plan_id is None and plans:
            plan_id = list(plans)[-1]  # the newest: its first row comes last in the file
        return sorted(plans.get(plan_id, []), key=lambda s: s.slot)

    def _reopen_slot(self, session: Session | None, session_id: str) -> None:
        """Open again the slot ``session_id`` filled, if the session is gone or no longer fits.

        Called with the plan's and the sessions' locks held (by `_entry`).
        """
        rows = self._slot_rows()
        for row in rows.values():
            slot = Slot(**row.values)
            if slot.session_id != session_id:
                continue
            plan = [Slot(**r.values) for r in rows.values() if r.values["plan"] == slot.plan]
            tested = tested_point(plan)
            if session is not None and slot.fits(session, tested):
                continue
            # Open again from the start: a new session is started (and shown) anew, and
            # its guess is asked anew. A blind plan that had ended showed which set was
            # real: that stays shown (recorded as revealed now), never hidden again.
            ended = bool(slot.blind_set) and not any(s.open for s in plan)
            reopened = {
                **vars(slot),
                "session_id": None,
                "started_at": None,
                "pain_before": None,
                "guess": None,
                "guessed_at": None,
                "revealed_at": self._clock() if ended else slot.revealed_at,
                "reopened": slot.reopened + 1,
            }
            spec = plan_spec(self.catalog)
            self._append_held(spec, [reopened], "correct", _recorded_at(row))

    def _slot_problems(self, rows: dict[str, Row], sessions: pd.DataFrame) -> list[Problem]:
        """Done slots whose session is not in the journal, or is not what the slot asks."""
        named = {row.values["session_id"] for row in rows.values()}
        stored = {s.id: s for s in _records(sessions[sessions["id"].isin(named)])}
        found = []
        for row in rows.values():
            slot = Slot(**row.values)
            if not slot.filled:
                continue
            session = stored.get(slot.session_id)
            plan = [Slot(**r.values) for r in rows.values() if r.values["plan"] == slot.plan]
            tested = tested_point(plan)
            if session is None:
                why = "no session in this journal has this id: the slot is not done"
            elif not slot.fits(session, tested):
                why = (
                    f"its session is {session.routine} ({session.condition}), but the slot "
                    f"asks for {slot.describe().split(': ', 1)[1]}"
                )
            else:
                continue
            found.append(Problem("plan.csv", row.line, "session_id", slot.session_id, why))
        return found
