"""Realistic simulated pain diaries, for measuring how often a verdict claims too much.

A verdict is only as honest as its false-claim rate on diaries like a real person's, so
every verdict acutrack prints is measured here on diaries at least as hard as real ones:

- pain in whole points from 0 to 10;
- a pain level that drifts (each session's level leans on the last: AR(1)) with
  occasional flare-ups that fade;
- sessions started when pain is up (the higher of two days' pain is the one pressed),
  so some of every drop is regression to the mean: the starting pain correlates with the
  drop;
- relief that varies from session to session and is itself autocorrelated (good spells
  and bad spells);
- a routine of five points, one of them sometimes skipped, more often on bad days;
- real and sham assigned at random within blocks, as a plan does.

`check_realism` measures the properties the calibration relies on (lag-1
autocorrelation of the drops, the correlation of the starting pain with the drop, the
share of zero drops), so a test can fail when the generator drifts into an easier world.
Everything is vectorised over diaries: thousands of diaries take a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Diaries",
    "DiarySettings",
    "check_realism",
    "mixed_layout",
    "simulate_checkins",
    "simulate_diaries",
    "true_mean_drops",
    "typical_trend",
]

POINTS = ("BL23", "BL52", "GB30", "CV4", "BL57")


@dataclass(frozen=True)
class DiarySettings:
    """How simulated diaries behave (defaults: at least as hard as a real diary).

    Attributes
    ----------
    real_effect : float
        How many points more a real session relieves than a sham one.
    point_effects : dict
        Extra relief (points) when each point is pressed; none by default.
    block_size : int
        Sessions per randomisation block, half real and half sham.
    level_mean : (float, float)
        Range of each diary's typical pain level.
    level_persistence, level_sd : float
        AR(1) coefficient and noise of the pain level from session to session.
    flare_chance, flare_size : float
        Chance of a flare-up at a session, and how many points it adds (then fades).
    day_sd : float
        Day-to-day spread of the pain around its level.
    days_offered : int
        Sessions are pressed on the worst of this many days (1: on any day).
    persistence_after : float
        Share of the day's own deviation still there after the session (the rest is
        regression to the mean).
    relief_mean : (float, float)
        Range of each diary's typical relief from a session (points).
    relief_persistence, relief_sd : float
        AR(1) coefficient and noise of the session-to-session relief.
    after_sd : float
        Noise of the rating after the session.
    skip_chance, skip_chance_bad_day : float
        Chance that one of the routine's points is skipped, on ordinary and on bad days
        (starting pain ≥ 7).
    linger : float
        Relief of a real session that lingers: the pain level at the next session is
        this many points lower (before and after it), whatever that session is.
    """

    real_effect: float = 0.0
    point_effects: dict[str, float] = field(default_factory=dict)
    block_size: int = 4
    level_mean: tuple[float, float] = (4.0, 7.0)
    level_persistence: float = 0.85
    level_sd: float = 0.6
    flare_chance: float = 0.04
    flare_size: float = 2.5
    day_sd: float = 1.3
    days_offered: int = 2
    persistence_after: float = 0.25
    relief_mean: tuple[float, float] = (0.3, 1.4)
    relief_persistence: float = 0.75
    relief_sd: float = 0.8
    after_sd: float = 0.45
    skip_chance: float = 0.1
    skip_chance_bad_day: float = 0.5
    linger: float = 0.0


@dataclass(frozen=True)
class Diaries:
    """Simulated diaries: one row per diary, one column per session (in plan order).

    Attributes
    ----------
    before, after : int arrays (diaries × sessions)
        Pain before and after each session.
    real : bool array
        Whether the session was real.
    block : int array (sessions,)
        Each session's randomisation block (the same plan layout for every diary).
    pressed : bool array (diaries × sessions × points)
        Which of `POINTS` were pressed.
    level_mean, relief_mean : float arrays (diaries,)
        Each diary's own typical pain level and relief.
    """

    before: np.ndarray
    after: np.ndarray
    real: np.ndarray
    block: np.ndarray
    pressed: np.ndarray
    level_mean: np.ndarray
    relief_mean: np.ndarray

    @property
    def drops(self) -> np.ndarray:
        return (self.before - self.after).astype(float)

    def subset(self, rows: np.ndarray) -> Diaries:
        """These diaries' ``rows`` only (the plan layout is shared)."""
        return Diaries(
            self.before[rows],
            self.after[rows],
            self.real[rows],
            self.block,
            self.pressed[rows],
            self.level_mean[rows],
            self.relief_mean[rows],
        )


def mixed_layout(rng: np.random.Generator, sessions: int) -> np.ndarray:
    """Each session's block in a plan of blocks of 2 or 4 drawn at random, as plans are
    made (`acutrack.plan.make_plan`): numbered 0, 1, … in order."""
    sizes = []
    while (left := sessions - sum(sizes)) > 0:
        sizes.append(2 if left < 4 else int(rng.choice((2, 4))))
    return np.repeat(np.arange(len(sizes)), sizes)


def _latent(
    rng: np.random.Generator,
    sessions: int,
    s: DiarySettings,
    mean: np.ndarray,
    relief_mean: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each diary's drifting pain level and autocorrelated relief, session by session."""
    count = mean.size
    level = np.empty((count, sessions))
    relief = np.empty((count, sessions))
    stationary = s.level_sd / np.sqrt(1 - s.level_persistence**2)
    x = rng.normal(0, stationary, count)
    a = rng.normal(0, s.relief_sd / np.sqrt(1 - s.relief_persistence**2), count)
    for t in range(sessions):
        flare = (rng.random(count) < s.flare_chance) * s.flare_size
        x = s.level_persistence * x + rng.normal(0, s.level_sd, count) + flare
        a = s.relief_persistence * a + rng.normal(0, s.relief_sd, count)
        level[:, t] = mean + x
        relief[:, t] = relief_mean + a
    return level, relief


def simulate_diaries(
    count: int,
    sessions: int,
    settings: DiarySettings | None = None,
    *,
    seed: int = 0,
    like: Diaries | None = None,
    layout: np.ndarray | None = None,
) -> Diaries:
    """Simulate ``count`` diaries of ``sessions`` sessions each.

    Parameters
    ----------
    count, sessions : int
        How many diaries, and how long (a multiple of the block size).
    settings : DiarySettings, optional
        How they behave.
    seed : int
        Random seed: the same seed gives the same diaries.
    like : Diaries, optional
        Give each diary the typical level and relief of these diaries' (``count`` is
        then theirs): more sessions of the same people.
    layout : int array (sessions,), optional
        Each session's block, numbered 0, 1, … in order, for blocks of any even sizes
        (as plans draw them); by default blocks of ``settings.block_size``.

    Returns
    -------
    Diaries
    """
    s = settings or DiarySettings()
    rng = np.random.default_rng(seed)
    if like is None:
        mean = rng.uniform(*s.level_mean, size=count)
        relief_mean = rng.uniform(*s.relief_mean, size=count)
    else:
        mean, relief_mean = like.level_mean, like.relief_mean
        count = mean.size
    level, relief = _latent(rng, sessions, s, mean, relief_mean)
    day = rng.normal(0, s.day_sd, (count, sessions, s.days_offered)).max(axis=2)
    before = np.clip(np.round(level + day), 0, 10)

    if layout is None:
        blocks = sessions // s.block_size + (sessions % s.block_size > 0)
        half = [True] * (s.block_size // 2) + [False] * (s.block_size - s.block_size // 2)
        real = rng.permuted(np.tile(half, (count, blocks)).reshape(count, blocks, -1), axis=2)
        real = real.reshape(count, -1)[:, :sessions]
        block = np.repeat(np.arange(blocks), s.block_size)[:sessions]
    else:  # half of each block real, at random: order each block's sessions by a draw
        block = np.asarray(layout)
        order = np.lexsort(
            (rng.random((count, sessions)), np.broadcast_to(block, (count, sessions)))
        )
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(sessions)[None, :].repeat(count, 0), axis=1)
        first = np.searchsorted(block, block)  # each block's first position (block sorted)
        size = np.bincount(block)[block]
        real = rank - first < size // 2
    if s.linger:  # a real session's relief carries into the next session's pain level
        level = level - s.linger * np.pad(real[:, :-1], ((0, 0), (1, 0)))
        before = np.clip(np.round(level + day), 0, 10)

    pressed = np.ones((count, sessions, len(POINTS)), dtype=bool)
    chance = np.where(before >= 7, s.skip_chance_bad_day, s.skip_chance)
    skipped = rng.random((count, sessions)) < chance
    which = rng.integers(0, len(POINTS), (count, sessions))
    pressed[skipped, which[skipped]] = False
    point_relief = sum(
        pressed[:, :, POINTS.index(code)] * effect for code, effect in s.point_effects.items()
    )

    total_relief = relief + s.real_effect * real + point_relief
    after = level + s.persistence_after * day - total_relief
    after = np.clip(np.round(after + rng.normal(0, s.after_sd, (count, sessions))), 0, 10)
    return Diaries(before.astype(int), after.astype(int), real, block, pressed, mean, relief_mean)


def true_mean_drops(
    diaries: Diaries, settings: DiarySettings | None = None, *, sessions: int = 5000
) -> np.ndarray:
    """Each diary's mean drop in the long run: the truth its interval should hold.

    Measured on a very long diary of the same person (the same typical level and relief);
    its own error (about 0.03 points) is small beside any interval's width.
    """
    s = settings or DiarySettings()
    plain = DiarySettings(**{**vars(s), "block_size": 2})
    return simulate_diaries(0, sessions, plain, seed=7919, like=diaries).drops.mean(axis=1)


def check_realism(diaries: Diaries) -> dict[str, float]:
    """The properties that make simulated diaries as hard as real ones.

    Returns
    -------
    dict
        ``lag1``: median lag-1 autocorrelation of each diary's drops; ``start_drop``:
        median correlation of the starting pain with the drop; ``zero_share``: share of
        sessions whose pain did not change.
    """
    drops = diaries.drops

    def corr(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x = x - x.mean(axis=1, keepdims=True)
        y = y - y.mean(axis=1, keepdims=True)
        scale = np.sqrt((x**2).sum(axis=1) * (y**2).sum(axis=1))
        return np.divide((x * y).sum(axis=1), scale, out=np.zeros(len(x)), where=scale > 0)

    return {
        "lag1": float(np.median(corr(drops[:, 1:], drops[:, :-1]))),
        "start_drop": float(np.median(corr(diaries.before.astype(float), drops))),
        "zero_share": float((drops == 0).mean()),
    }


def typical_trend(days: int, change: float) -> np.ndarray:
    """How far typical pain has moved on each day of a `simulate_checkins` diary.

    Typical pain is the level the pain swings around (what a much longer diary around
    that day would average to); it moves evenly by ``change`` from the first day to the
    last.
    """
    return change * np.linspace(0, 1, days)


def simulate_checkins(
    count: int,
    days: int,
    *,
    per_day: int = 1,
    change: float = 0.0,
    missed: float = 0.15,
    settings: DiarySettings | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Check-in diaries: a drifting pain level with flare-ups, rated in whole points.

    Parameters
    ----------
    count, days : int
        Diaries, and days in each.
    per_day : int
        Check-ins a day.
    change : float
        How far each diary's typical pain moves, evenly, from the first day to the last.
    missed : float
        Share of check-ins not made (missing at random).
    settings : DiarySettings, optional
        The pain level's behaviour (``level_*``, ``flare_*``); the defaults otherwise.
    seed : int

    Returns
    -------
    ratings : float array (diaries × days × per_day)
        Pain 0–10 in whole points; NaN where a check-in was missed.
    level : float array (diaries × days)
        The true pain level of each day (the expected rating, before rounding), between
        0 and 10. It swings around the diary's typical pain, which moves by
        `typical_trend` over the days.
    """
    s = settings or DiarySettings()
    rng = np.random.default_rng(seed)
    mean = rng.uniform(*s.level_mean, count)[:, None] + typical_trend(days, change)
    x = rng.normal(0, s.level_sd / np.sqrt(1 - s.level_persistence**2), count)
    drift = np.empty((count, days))
    for d in range(days):  # day by day; vectorised over diaries
        flare = (rng.random(count) < s.flare_chance) * s.flare_size
        x = s.level_persistence * x + rng.normal(0, s.level_sd, count) + flare
        drift[:, d] = x
    level = np.clip(mean + drift, 0, 10)
    noise = rng.normal(0, s.after_sd, (count, days, per_day))
    ratings = np.clip(np.round(level[:, :, None] + noise), 0, 10)
    ratings[rng.random(ratings.shape) < missed] = np.nan
    return ratings, level
