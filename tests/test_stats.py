from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures import sessions_frame
from scipy import stats as sps

from acutrack import stats


def test_hodges_lehmann_by_hand():
    # Walsh averages of 1, 2, 3: 1, 1.5, 2, 2, 2.5, 3 -> median 2
    assert stats.hodges_lehmann(np.array([1, 2, 3])) == 2
    # 0, 0, 4: 0, 0, 2, 0, 2, 4 -> median 1
    assert stats.hodges_lehmann(np.array([0, 0, 4])) == 1


def test_rank_biserial_by_hand():
    # non-zero drops 1, -2, 3 rank 1, 2, 3: (1 + 3 - 2) / 6
    assert stats.rank_biserial(np.array([1, -2, 3, 0])) == pytest.approx(1 / 3)
    assert stats.rank_biserial(np.array([2, 2, 1])) == 1
    assert stats.rank_biserial(np.array([0, 0])) == 0
    assert np.isnan(stats.rank_biserial(np.array([])))


def test_signed_rank_matches_scipy_with_ties_and_zeros():
    drops = np.array([2, 2, 0, 1, -1, 3, 0, 2, 1, 1])
    expected = sps.wilcoxon(drops, zero_method="pratt").pvalue
    assert stats.signed_rank_p(drops) == pytest.approx(expected)
    assert stats.signed_rank_p(np.zeros(6)) == 1.0
    assert np.isnan(stats.signed_rank_p(np.array([])))


def test_meaningful_drop_is_two_points_or_thirty_percent():
    before = np.array([5, 3, 8, 0, 10, 2])
    after = np.array([3, 2, 7, 0, 8, 2])
    assert stats.meaningful(before, after).tolist() == [True, True, False, False, True, False]


def test_bootstrap_ci():
    rng = np.random.default_rng(1)
    values = rng.integers(-1, 5, size=40).astype(float)
    low, high = stats.bootstrap_ci(values)
    assert low < values.mean() < high
    assert high - low < 1.5
    assert stats.bootstrap_ci(np.array([3.0, 3.0, 3.0])) == (3.0, 3.0)
    assert all(np.isnan(stats.bootstrap_ci(np.array([2.0]))))
    assert stats.bootstrap_ci(values) == stats.bootstrap_ci(values)  # seeded


def test_holm_by_hand():
    # sorted 0.01, 0.02, 0.04 -> 0.03, 0.04, 0.04 (monotone), NaN untouched
    adjusted = stats.holm([0.04, 0.01, np.nan, 0.02])
    assert adjusted[[0, 1, 3]].tolist() == pytest.approx([0.04, 0.03, 0.04])
    assert np.isnan(adjusted[2])


def _sessions(pairs):
    rows = [
        (f"2026-05-{i + 1:02d}T09:00:00+02:00", "back", "real", ("BL23",), b, a)
        for i, (b, a) in enumerate(pairs)
    ]
    return sessions_frame(rows)


def test_before_after_numbers():
    pairs = [(6, 3), (5, 5), (7, 4), (4, 3), (8, 5), (6, 6), (5, 2)]
    r = stats.before_after(_sessions(pairs))
    drops = np.array([b - a for b, a in pairs], dtype=float)
    assert r.n == 7
    assert r.estimate == pytest.approx(drops.mean())
    assert r.median == 3
    assert r.mean_before == pytest.approx(np.mean([b for b, _ in pairs]))
    assert r.p_value == pytest.approx(sps.wilcoxon(drops, zero_method="pratt").pvalue)
    assert r.meaningful_share == pytest.approx(4 / 7)  # drops of 3, 3, 3, 3; 1 of 4 is 25 %
    assert r.ci[0] < r.estimate < r.ci[1]
    assert r.hodges_lehmann == stats.hodges_lehmann(drops)
    assert "95 % CI" in r.summary() and "<table>" in r._repr_html_()


@pytest.mark.parametrize(
    "pairs", [[], [(6, 3)], [(5, 5)] * 6, [(5, 5), (4, 4)]], ids=["none", "one", "zeros", "two"]
)
def test_before_after_edge_cases_never_crash(pairs):
    r = stats.before_after(_sessions(pairs))
    assert r.n == len(pairs)
    text = r.summary().lower()
    assert "works" not in text and "does not work" not in text
    if len(pairs) < 2:
        assert np.isnan(r.p_value) and all(np.isnan(r.ci)) and r.note
    if pairs == [(5, 5)] * 6:
        assert (r.estimate, r.p_value, r.ci) == (0, 1.0, (0.0, 0.0))
        assert "not enough to tell" in text


def test_before_after_filters():
    s = _sessions([(6, 3), (5, 4), (7, 7)])
    s.loc[2, "routine"] = "stress"
    assert stats.before_after(s, routine="back").n == 2
    assert stats.before_after(s, condition="sham").n == 0
    assert isinstance(stats.before_after(s).to_dict(), dict)
    assert pd.isna(stats.before_after(s, condition="sham").estimate)
