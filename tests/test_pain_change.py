"""The report's headline: typical pain now against the start, its interval and windows."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from fixtures import ratings_frame, sessions_frame
from scipy import stats as sps

from acutrack import analysis
from acutrack.analysis import pain_now
from acutrack.analysis.pain_now import change_interval
from acutrack.report.first_page import _headline
from acutrack.stats.results import fmt

PAIN = [6, 5, 7, 6, 4, 5, 3, 4, 5, 3]
DAY = [0, 0, 1, 2, 3, 4, 5, 6, 6, 7]  # two readings on the first and on day 6


def test_the_interval_on_one_setting_is_a_t_interval_worked_by_hand(monkeypatch):
    # One (φ, noise) setting: no mixture, only the pooled model's GLS, by hand.
    monkeypatch.setattr(pain_now, "SPELL_DAYS", np.array([2.0]))  # φ = 0.5
    monkeypatch.setattr(pain_now, "NOISE_RATIOS", np.array([1.0]))
    on = np.arange(8)
    m = np.array([2, 1, 1, 1, 1, 1, 2, 1])
    y = np.array([5.5, 7, 6, 4, 5, 3, 4.5, 3])  # daily means
    cov = 0.5 ** np.abs(on[:, None] - on[None, :]) + np.diag(1 / m)
    x = np.column_stack([np.ones(8), on - on.mean()])
    inv = np.linalg.inv(cov)
    beta = np.linalg.solve(x.T @ inv @ x, x.T @ inv @ y)
    scale = (y - x @ beta) @ inv @ (y - x @ beta) / 6  # 8 days − 2
    c = np.zeros(8)
    c[:3] = -m[:3] / 4  # first 3 days: 4 readings
    c[-3:] = m[-3:] / 4  # last 3 days: 4 readings
    half = sps.t.ppf(0.975, 6) * np.sqrt(c @ cov @ c * scale)
    difference = np.mean([3, 4, 5, 3]) - np.mean([6, 5, 7, 6])
    assert c @ y == pytest.approx(difference)
    low, high = change_interval(np.array(DAY), np.array(PAIN), 3)
    assert (low, high) == pytest.approx((difference - half, difference + half))


def test_the_mixture_lies_between_its_narrowest_and_widest_settings(monkeypatch):
    day, pain = np.array(DAY), np.array(PAIN)
    low, high = change_interval(day, pain, 3)
    assert low + high == pytest.approx(2 * (3.75 - 6.0))  # symmetric about the difference
    halves = []
    for spell in pain_now.SPELL_DAYS:
        for noise in pain_now.NOISE_RATIOS:
            with monkeypatch.context() as one:
                one.setattr(pain_now, "SPELL_DAYS", np.array([spell]))
                one.setattr(pain_now, "NOISE_RATIOS", np.array([noise]))
                a, b = change_interval(day, pain, 3)
            halves.append((b - a) / 2)
    assert min(halves) < (high - low) / 2 < max(halves)


@pytest.mark.parametrize(
    ("day", "pain", "why"),
    [
        ([0, 1, 2, 3, 4, 5, 6], [5, 5, 5, 5, 5, 5, 5], "readings never vary"),
        ([0, 4, 5, 6], [5, 6, 4, 3], "one reading in the first window"),
        ([0, 0, 6, 6], [5, 6, 4, 3], "two days with readings"),
        ([0, 1, 2, 3, 4, 5], [6, 5, 4, 3, 2, 1], "readings exactly on a line"),
    ],
)
def test_no_interval_rather_than_a_false_one(day, pain, why):
    assert np.isnan(change_interval(np.array(day), np.array(pain), 3)).all(), why


def _diary(days: int) -> tuple:
    """A check-in a day from Monday 05 Jan 2026, for ``days`` days, pain 6 falling to 3."""
    start = date(2026, 1, 5)
    rows = [
        (f"{start + timedelta(days=k)}T09:00:00+01:00", round(6 - 3 * k / (days - 1)))
        for k in range(days)
    ]
    return sessions_frame([]), ratings_frame(rows)


def test_seven_day_windows_until_eight_weeks_then_fourteen():
    short = analysis.pain_change(*_diary(55))
    assert short.days == 7
    assert short.start == (date(2026, 1, 5), date(2026, 1, 11))
    assert short.end == (date(2026, 2, 22), date(2026, 2, 28))
    long = analysis.pain_change(*_diary(56))
    assert long.days == 14
    assert long.start == (date(2026, 1, 5), date(2026, 1, 18))
    assert long.end == (date(2026, 2, 16), date(2026, 3, 1))
    assert pain_now.comparison_window(55) == 7 and pain_now.comparison_window(56) == 14
    assert analysis.pain_change(*_diary(56), days=7).days == 7  # asked for
    # The headline says the windows in dates, and what typical pain is.
    headline, basis = _headline(long)
    # Pain 6 on days 0–9, 5 on 10–13; 4 on days 42–45, 3 on 46–55: 80 / 14 and 46 / 14.
    assert "Typical pain now 3.3 (16 Feb to 01 Mar 2026) against 5.7 at the start " in headline
    assert "(05 Jan to 18 Jan 2026): change −2.4 points (95 % CI " in headline
    assert basis.startswith("Typical pain is the level the ratings swing around, estimated")
    assert "the last 14 days (14 readings) and the first 14 (14)" in basis


def test_the_smallest_detectable_change_is_the_half_width_in_words():
    change = analysis.pain_change(*_diary(56))
    low, high = change.ci
    assert change.detectable == pytest.approx((high - low) / 2) and change.detectable > 0
    words = (
        f"A change smaller than about {fmt(change.detectable)} points can't be told from "
        "day-to-day swings with these windows."
    )
    assert change.detectable_words() == words
    assert change.summary().endswith(words) and words in _headline(change)[1]
    assert change.summary().startswith("Typical pain in the first 14 days (05 Jan to 18 Jan")


def test_without_an_interval_nothing_is_said_of_what_it_could_detect():
    sessions, ratings = _diary(14)
    flat = ratings.assign(pain=5)
    change = analysis.pain_change(sessions, flat)
    assert change.enough and np.isnan(change.detectable)
    assert "can't be told" not in change.summary()
    headline, basis = _headline(change)
    assert "no interval: too few readings" in headline and "can't be told" not in basis
