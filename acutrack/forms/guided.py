"""The guided session: walks through a routine's points with a countdown, then logs it."""

from __future__ import annotations

import functools
import html
import io
import math
import sys
import threading
import time
import wave
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import ipywidgets as w

from ..catalog import CAUTIONS, Point, Routine, point_label
from ..journal import Journal
from ..plan import shown
from ..plan.blind import set_spots
from ..records import Session
from .base import (
    LABELS,
    WIDE,
    Form,
    PainPicker,
    WhenField,
    notes_box,
    scale_caption,
)
from .planned import PlannedSession

__all__ = ["GuidedSession"]

_SHOW, _HIDE = "", "none"
_NOTHING_PRESSED = (
    "Stopped before any point was pressed, so there is no session to save. "
    "Discard it, or choose a routine and start again."
)


def _tone(hertz: float = 880.0, seconds: float = 0.15, rate: int = 22050) -> bytes:
    """A short sine tone as a WAV file (16-bit mono), faded in and out so it does not click."""
    count = int(seconds * rate)
    fade = rate // 100
    step = 2 * math.pi * hertz / rate
    samples = array(
        "h",
        (
            int(12000 * min(1, i / fade, (count - i) / fade) * math.sin(step * i))
            for i in range(count)
        ),
    )
    if sys.byteorder == "big":  # WAV samples are little-endian
        samples.byteswap()
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())
    return out.getvalue()


#: The cue played at each point change.
BEEP = _tone()


@functools.lru_cache(maxsize=64)
def _point_figure(point: Point) -> bytes:
    """The body map's drawing with ``point`` marked, as a small PNG (drawn once per point)."""
    import pandas as pd
    from matplotlib.figure import Figure

    from ..plots import plot_body_map

    figure = Figure(figsize=(2.6, 2.9), dpi=72)
    ax = figure.add_axes((0, 0, 1, 1))
    plot_body_map(pd.DataFrame({"point": [], "more_relief": []}), ax=ax, points={point.code: point})
    for spot in ax.collections:
        if spot.get_gid() == f"point-{point.code}":
            spot.set(facecolor="#d32f2f", edgecolor="black", sizes=[90])
    if ax.get_legend() is not None:  # the map's legend explains colours this figure lacks
        ax.get_legend().remove()
    ax.set_title("")
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _one_at_a_time(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run a method under the form's lock: the ticker thread and the buttons share state."""

    @functools.wraps(method)
    def locked(self: GuidedSession, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return locked


@dataclass(frozen=True)
class _Step:
    round: int
    code: str
    seconds: float


class GuidedSession(Form):
    """Choose a routine, rate pain, press each point while a countdown runs, rate again, save.

    Parameters
    ----------
    journal : Journal
        Where the session is written.
    clock : callable
        Seconds from a monotonic clock; tests pass a fake one.
    timer : bool
        Run a background ticker that calls `tick` a few times a second, so the countdown
        moves while the notebook stays free for other cells. Tests turn it off and call
        `tick` themselves.

    Attributes
    ----------
    before, after : PainPicker
        Pain before and after, unset until chosen; both are shown again at the end.
    when : WhenField
        When the session started: when Start was pressed, or an earlier time.
    sound : Checkbox
        "Sound": a short beep (``beep``, an ``Audio`` widget that plays when its
        ``value`` is set) at each point change; untick to mute.
    figure : Image
        The body figure with the current point marked.

    Notes
    -----
    The minutes saved are the time spent pressing: from Start to the end or Stop, without
    pauses. Points skipped before they were pressed at all are not recorded; a session
    stopped before any point was pressed cannot be saved, only discarded (``discard``).
    """

    def __init__(
        self,
        journal: Journal,
        *,
        clock: Callable[[], float] = time.monotonic,
        timer: bool = True,
        tick_seconds: float = 0.25,
    ) -> None:
        super().__init__(journal)
        self.clock = clock
        self.timer = timer
        self.tick_seconds = tick_seconds
        self._make_widgets(journal)
        self._connect_controls()
        self.planned = PlannedSession(
            journal,
            self._follow_plan,
            before=lambda: self.before.value,
            attempt=self._attempt,
        )
        self._arrange_boxes()
        self.last_saved: Session | None = None
        # The ticker thread and the buttons change the same state: one at a time.
        self._lock = threading.RLock()
        self._new()
        self.refresh_recent()

    def _make_widgets(self, journal: Journal) -> None:
        """Create the form's controls: routine, pain pickers, countdown, buttons, notes."""
        routines = [r for r in journal.catalog.routines.values() if r.points]
        self.routine = w.Dropdown(
            options=[(f"{r.title} [{r.key}]", r.key) for r in routines],
            description=LABELS["routine"],
            style=WIDE,
            layout=w.Layout(width="32em"),
        )
        self.before = PainPicker(LABELS["pain_before"])
        self.start_button = w.Button(description="Start", button_style="success", icon="play")
        self.point = w.HTML()
        self.figure = w.Image(format="png", layout=w.Layout(width="190px"))
        self.figure.add_class("acutrack-point-figure")
        self.sound = w.Checkbox(value=True, description="Sound", indent=False)
        self.beep = w.Audio(value=b"", format="wav", autoplay=True, loop=False, controls=False)
        self.beep.add_class("acutrack-beep")
        self.progress = w.FloatProgress(value=1.0, min=0.0, max=1.0, description="Time left")
        self.status = w.HTML()
        self.pause_button = w.Button(description="Pause", icon="pause")
        self.skip_button = w.Button(description="Skip point", icon="forward")
        self.stop_button = w.Button(description="Stop", button_style="warning", icon="stop")
        self.after = PainPicker(LABELS["pain_after"])
        self.when = WhenField(journal, now_label="when Start was pressed")
        self.notes = notes_box()
        self.save = w.Button(description="Save session", button_style="primary", icon="check")
        self.discard = w.Button(description="Discard", icon="times")
        self.summary = w.HTML()

    def _connect_controls(self) -> None:
        """Wire the buttons and the sound tick box to what they do."""
        self.start_button.on_click(lambda _: self.start())
        self.pause_button.on_click(lambda _: self.toggle_pause())
        self.skip_button.on_click(lambda _: self.skip())
        self.stop_button.on_click(lambda _: self.stop())
        self.save.on_click(lambda _: self._save_once_read())
        self.discard.on_click(lambda _: self._discard())
        self.sound.observe(self._mute, names="value")

    def _arrange_boxes(self) -> None:
        """Put the controls in the setup, running and end boxes, and those in the form."""
        self.setup_box = w.VBox(
            [  # the pain before first: a planned routine shows once it is rated
                scale_caption(),
                self.before.widget,
                self.planned.box,
                self.routine,
                self.start_button,
            ]
        )
        self.run_box = w.HBox(
            [
                self.figure,
                w.VBox(
                    [
                        self.point,
                        self.progress,
                        self.status,
                        w.HBox([self.pause_button, self.skip_button, self.stop_button, self.sound]),
                    ]
                ),
            ]
        )
        # Rating and saving, hidden when nothing was pressed and there is nothing to save.
        # Pain before is shown again: it can be chosen or changed until the session is saved.
        self.rate_box = w.VBox(
            [
                self.before.widget,
                self.after.widget,
                self.planned.guess,
                self.when.widget,
                self.notes,
                self.save,
            ]
        )
        self.end_box = w.VBox([self.summary, self.rate_box, self.discard])
        self.widget = w.VBox(
            [
                w.HTML("<h4>Guided session</h4>"),
                self.setup_box,
                self.run_box,
                self.end_box,
                self.feedback,
                self.recent,
                self.beep,
            ]
        )
        self.widget.add_class("acutrack-guided-session")  # a handle for styling and tests

    # -- state -------------------------------------------------------------------------
    def _new(self) -> None:
        self.phase = "setup"  # setup → running → finished → (saved) setup
        self.paused = False
        self.steps: list[_Step] = []
        self.index = 0
        self.left = 0.0
        self.active_seconds = 0.0
        self.pressed: dict[str, float] = {}
        self.started_at: datetime | None = None
        self._drawn: str | None = None  # the point the figure shows
        self._spots: dict[str, Point] = {}  # a blind plan's spots, by the code pressed
        self._last = 0.0
        self._ticker: threading.Thread | None = None
        self.planned.untick()
        if self.planned.chosen is not None:  # started, maybe elsewhere: its routine shows
            self._follow_plan()
        self._show(setup=True)

    def refresh(self) -> None:
        """The plan's next slot and the latest entries, as the journal holds them now."""
        self.planned.refresh()
        super().refresh()

    def _follow_plan(self) -> None:
        """Ticked: the planned slot's routine, fixed; unticked: any routine."""
        slot = self.planned.chosen
        key = slot and (shown(self.journal, slot)[0] if self.planned.blind else slot.routine)
        if slot is not None and key in [key for _, key in self.routine.options]:
            self.routine.value = key  # a blind plan's: the routine both sets test
        if slot is not None and slot.pain_before is not None:
            self.before.value = slot.pain_before
        self.routine.disabled = slot is not None

    def _show(self, *, setup: bool = False, run: bool = False, end: bool = False) -> None:
        self.setup_box.layout.display = _SHOW if setup else _HIDE
        self.run_box.layout.display = _SHOW if run else _HIDE
        self.end_box.layout.display = _SHOW if end else _HIDE

    @property
    def _pressing(self) -> Routine:
        """The routine being pressed: the planned slot's (in a blind plan, the set's
        routine, which the menu does not show), else the one chosen."""
        slot = self.planned.chosen
        return self.journal.catalog.routine(slot.routine) if slot else self.routine_chosen

    @property
    def routine_chosen(self) -> Routine:
        """The routine chosen (its points and timing)."""
        return self.journal.catalog.routine(self.routine.value)

    @property
    def routine_spec(self) -> Routine:
        """Deprecated name of `routine_chosen` (kept for one release)."""
        import warnings

        warnings.warn("routine_spec is now routine_chosen", DeprecationWarning, stacklevel=2)
        return self.routine_chosen

    @_one_at_a_time
    def start(self) -> None:
        """Begin the countdown at the routine's first point."""
        slot = self.planned.chosen
        routine = self._pressing
        points = routine.points if slot is None else slot.points_of(routine.points)
        # A blind plan's spots by set and number: their codes and names would tell the set.
        spots = set_spots(self.journal, slot) if slot is not None and self.planned.blind else []
        self._spots = {code: spot for code, spot in zip(points, spots, strict=False)}
        self.steps = [
            _Step(r + 1, code, routine.seconds_per_point)
            for r in range(routine.rounds)
            for code in points
        ]
        self.pressed = dict.fromkeys(points, 0.0)
        self.index, self.left = 0, self.steps[0].seconds
        self.phase, self.paused = "running", False
        self._last = self.clock()
        self.started_at = self.journal.now()
        self.feedback.value = ""
        self._show(run=True)
        self._render()
        self._cue()
        if self.timer:
            self._ticker = threading.Thread(target=self._tick_forever, daemon=True)
            self._ticker.start()

    def _tick_forever(self) -> None:
        while self.phase == "running":
            time.sleep(self.tick_seconds)
            self.tick()

    @_one_at_a_time
    def tick(self) -> None:
        """Account for the time since the last tick and move on when a point is done."""
        now = self.clock()
        spent, self._last = now - self._last, now
        if self.phase != "running" or self.paused:
            return
        self.active_seconds += spent
        while spent > 0 and self.phase == "running":
            used = min(spent, self.left)
            self.pressed[self.steps[self.index].code] += used
            self.left -= used
            spent -= used
            if self.left <= 1e-9:
                self._advance()
        self._render()

    @_one_at_a_time
    def toggle_pause(self) -> None:
        """Pause the countdown, or resume it; paused time does not count."""
        self.tick()
        self.paused = not self.paused
        self.pause_button.description = "Resume" if self.paused else "Pause"
        self.pause_button.icon = "play" if self.paused else "pause"
        self._render()

    @_one_at_a_time
    def skip(self) -> None:
        """Move straight to the next point."""
        self.tick()
        if self.phase == "running":
            self._advance()
            self._render()

    @_one_at_a_time
    def stop(self) -> None:
        """End the session early; it can still be rated and saved."""
        self.tick()
        self._finish()

    def _advance(self) -> None:
        self.index += 1
        self._cue()
        if self.index >= len(self.steps):
            self._finish()
        else:
            self.left = self.steps[self.index].seconds

    def _finish(self) -> None:
        if self.phase == "running":
            self.phase = "finished"
            self.paused = False
            self._show(end=True)
            pressed = self._pressed_points()
            done = ", ".join(self._spots[c].code if self._spots else c for c in pressed)
            self.rate_box.layout.display = _SHOW if done else _HIDE
            self.summary.value = (
                f"Done: {self.minutes:g} min pressing {html.escape(done)}. How is the pain now?"
                if done
                else _NOTHING_PRESSED
            )

    # -- display -----------------------------------------------------------------------
    def _cue(self) -> None:
        """Beep through the browser: the ``<audio autoplay>`` plays whenever it gets a sound."""
        if self.sound.value:
            self.beep.value = b""  # the same bytes again would not reach the browser
            self.beep.value = BEEP

    def _mute(self, _change: object = None) -> None:
        if not self.sound.value:
            self.beep.value = b""  # stops a beep that is playing

    def _draw(self, point: Point) -> None:
        """Mark the current point on the body figure (no figure for a point off the map)."""
        if point.code == self._drawn:
            return
        self._drawn = point.code
        self.figure.layout.display = _SHOW if point.map else _HIDE
        if point.map:
            self.figure.value = _point_figure(point)

    def _render(self) -> None:
        if self.phase != "running":
            return
        step = self.steps[self.index]
        routine = self._pressing
        point = self._spots.get(step.code) or self.journal.catalog.points[step.code]
        self._draw(point)
        caution = point.caution or CAUTIONS[0]
        self.point.value = (
            f"<h3>{html.escape(point_label(point.code, point.name, ' · '))}</h3>"
            f"<p><b>Where:</b> {html.escape(point.location)}</p>"
            f"<p><b>How:</b> {html.escape(point.how)} "
            f"{'' if self._spots else f'Pressure: {html.escape(routine.pressure)}.'}</p>"
            f'<p style="color:#8a4b00"><b>Take care:</b> {html.escape(caution)}</p>'
        )
        self.progress.value = max(0.0, self.left / step.seconds)
        paused = " · <b>paused</b>" if self.paused else ""
        per_round = len(routine.points)
        self.status.value = (
            f"Point {self.index % per_round + 1} of {per_round} · round {step.round} of "
            f"{routine.rounds} · {self.left:.0f} s left{paused}"
        )

    # -- saving ------------------------------------------------------------------------
    @property
    def minutes(self) -> float:
        """Minutes spent pressing so far (at least 0.1, so that a session is never 0)."""
        return max(0.1, round(self.active_seconds / 60, 1))

    def _pressed_points(self) -> list[str]:
        """The points pressed at all, in the routine's order."""
        return [code for code, seconds in self.pressed.items() if seconds > 0]

    def _save(self) -> None:
        if self.phase != "finished":
            self.show_error("Finish or stop the session before saving it.")
            return
        points = self._pressed_points()
        if not points:
            self.show_error(_NOTHING_PRESSED)
            return
        if self._refuse_missing(self.before, self.after, self.when):
            return
        ok, routine = self._attempt(lambda: self._pressing)
        if not ok:
            return
        moved = self.planned.still_next()
        if moved:
            self.show_error(moved)
            return
        slot = self.planned.chosen
        fields = dict(
            pain_before=self.before.value,
            pain_after=self.after.value,
            routine=routine.key,
            condition=slot.condition if slot else None,
            points=points,
            duration_min=self.minutes,
            started_at=self.when.value or self.started_at,
            notes=self.notes.value,
        )
        fields.update(self.planned.fields())  # a blind plan's: its set left to the plan
        session = self._log_session(**fields)
        if session is None:
            return
        self._clear()
        self._saved()

    def _discard(self) -> None:
        """Drop the finished session without saving it."""
        self._clear()
        self.show_ok("Discarded: nothing was saved.")

    def _clear(self) -> None:
        for control in (self.before, self.after, self.when):
            control.reset()
        self.notes.value = ""
        self._new()
