"""The before/after description: the mean drop's interval from the long-run variance,
no p-value, cautious words on short diaries, and no per-session "meaningful" share."""

from __future__ import annotations

import numpy as np
import pytest
from fixtures import sessions_frame
from scipy import stats as sps

from acutrack import analysis, stats
from acutrack.report.details import ROUTINES_INTRO
from acutrack.stats.before_after import (
    LONG_RUN_FLOOR,
    PERSISTENCE,
    SPELL_SHARE,
    _spell_posterior,
    mean_drop_intervals,
    spectral_shape,
)


def _sessions(drops, start: int = 6):
    rows = [
        (
            f"2026-05-{1 + i // 2:02d}T{9 + 6 * (i % 2):02d}:00",
            "back",
            "real",
            ("BL23",),
            start,
            start - d,
        )
        for i, d in enumerate(drops)
    ]
    return sessions_frame(rows)


@pytest.mark.parametrize(("phi", "share"), [(0.6, 1.0), (-0.2, 1.0), (0.8, 0.4), (0.5, 0.0)])
def test_spectral_shape_is_the_sum_of_the_autocovariances(phi, share):
    # Spells plus noise with variance 1: γ₀ = 1, γₖ = λ φ^|k|. The spectral density (× 2π)
    # is Σₖ γₖ e^{−iωk}; summed by hand far enough for φ^k to vanish.
    k = np.arange(1, 400)
    for omega in (0.0, 0.3, np.pi / 2, np.pi):
        by_hand = 1 + 2 * (share * phi**k * np.cos(omega * k)).sum()
        assert spectral_shape(omega, phi, share) == pytest.approx(by_hand)


def test_long_run_variance_of_an_ar1_is_its_formula():
    # AR(1) with innovation variance σ²: variance σ² / (1 − φ²), long-run σ² / (1 − φ)².
    phi, sigma2 = 0.7, 1.3
    variance = sigma2 / (1 - phi**2)
    assert variance * spectral_shape(0.0, phi, 1.0) == pytest.approx(sigma2 / (1 - phi) ** 2)
    assert spectral_shape(0.0, 0.9, 0.0) == 1  # noise alone: the plain variance


def _with_periodogram(n: int, phi: float, share: float, level: float) -> np.ndarray:
    """A series whose periodogram is exactly ``level`` times the model's shape."""
    k = np.arange(n // 2 + 1)
    amplitude = np.sqrt(level * n * spectral_shape(2 * np.pi * k / n, phi, share))
    phase = np.exp(1j * np.linspace(0.3, 5.0, k.size))
    spectrum = amplitude * phase
    spectrum[0] = 2.0 * n  # the mean drop: 2 points
    spectrum[-1] = amplitude[-1]  # the Nyquist ordinate of an even n is real
    return np.fft.irfft(spectrum, n)


def test_the_fit_finds_the_spells_and_their_long_run_variance_by_hand():
    n, phi, share, level = 64, 0.6, 0.7, 1.5
    drops = _with_periodogram(n, phi, share, level)
    assert drops.mean() == pytest.approx(2.0)
    weights, scale, df = _spell_posterior(drops[None, :])
    best = weights[0].argmax()
    # Whittle's likelihood is largest where the periodogram over the shape is constant.
    assert PERSISTENCE[best] == pytest.approx(phi)
    assert SPELL_SHARE[best] == pytest.approx(share)
    # There S = level × (n − 1)/2, so the mean's scale is √(level × h(0) / n).
    long_run = share * (1 + phi) / (1 - phi) + 1 - share
    assert scale[0, best] == pytest.approx(np.sqrt(level * long_run / n))
    assert df == n - 1


def test_the_half_width_solves_the_mixture_of_t_distributions():
    rng = np.random.default_rng(3)
    drops = rng.integers(-1, 4, size=(5, 30)).astype(float)
    low, high = mean_drop_intervals(drops)
    weights, scale, df = _spell_posterior(drops)
    half = (high - low) / 2
    assert (low + high) / 2 == pytest.approx(drops.mean(axis=1))
    tails = (weights * 2 * sps.t.cdf(-half[:, None] / scale, df)).sum(axis=1)
    assert tails == pytest.approx(0.05, rel=1e-3)
    for row, lo, hi in zip(drops, low, high, strict=True):
        assert stats.mean_drop_interval(row) == pytest.approx((lo, hi))


def test_independent_drops_get_about_the_plain_t_interval():
    drops = np.random.default_rng(8).normal(1.0, 1.5, 400)
    low, high = stats.mean_drop_interval(drops)
    plain = sps.t.interval(0.95, 399, loc=drops.mean(), scale=sps.sem(drops))
    assert (high - low) / (plain[1] - plain[0]) == pytest.approx(1, abs=0.15)


def test_spells_widen_the_interval():
    spells = np.repeat([3.0, 0.0, 2.0, 1.0, 3.0, 0.0], 5)  # 30 sessions in spells of five
    low, high = stats.mean_drop_interval(spells)
    plain = sps.t.interval(0.95, 29, loc=spells.mean(), scale=sps.sem(spells))
    assert high - low > 1.5 * (plain[1] - plain[0])


def test_never_a_zero_width_interval():
    assert all(np.isnan(stats.mean_drop_interval(np.full(8, 2.0))))
    assert all(np.isnan(stats.mean_drop_interval(np.array([1.0]))))
    # Drops that alternate vary only at the highest frequency: still a real interval.
    low, high = stats.mean_drop_interval(np.tile([2.0, 0.0], 10))
    assert low < 1 < high
    lows, highs = mean_drop_intervals(np.array([[1.0, 1, 1], [1, 2, 0]]))
    assert np.isnan(lows[0]) and np.isnan(highs[0]) and lows[1] < 1 < highs[1]


def test_short_diaries_get_a_cautious_interval():
    drops = np.tile([3.0, 0.0, 2.0, 1.0], 8)  # 32 sessions; the first 12 are a short diary
    short = stats.before_after(_sessions(drops[:12]))
    long = stats.before_after(_sessions(drops))
    assert "cautious" in short.summary()
    assert "cautious" not in long.summary()
    # The floor leaves out the grid points with little spell, so the interval is wider.
    weights, _, _ = _spell_posterior(drops[None, :12])
    floor = spectral_shape(0.0, PERSISTENCE, SPELL_SHARE) < LONG_RUN_FLOOR
    assert weights[0, floor].sum() == 0 and floor.any()


@pytest.mark.parametrize("n", [1, 7, 30])
def test_no_p_value_and_no_meaningful_share(n):
    drops = np.resize([3.0, 0.0, 2.0, 1.0, 3.0], n)
    r = stats.before_after(_sessions(drops))
    assert np.isnan(r.p_value)
    text = r.summary().lower()
    assert "meaningful" not in text and "p =" not in text and "p <" not in text
    assert "signed-rank" not in text
    assert not hasattr(r, "meaningful_share")


def test_no_per_session_meaningful_share_anywhere():
    table = analysis.compare_routines(_sessions([3.0, 0.0, 2.0, 1.0, 3.0]))
    assert not any("meaningful" in c for c in table.columns)
    assert "meaningful" not in ROUTINES_INTRO
    assert not hasattr(stats, "meaningful") and not hasattr(stats, "signed_rank_p")
