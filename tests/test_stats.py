from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures import ratings_frame, sessions_frame
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


# -- real against sham -------------------------------------------------------------------
def _two_groups(real_pairs, sham_pairs, routine="back"):
    rows = [
        (f"2026-07-{i + 1:02d}T19:00:00+02:00", routine, "real", ("BL23",), b, a)
        for i, (b, a) in enumerate(real_pairs)
    ] + [
        (f"2026-08-{i + 1:02d}T19:00:00+02:00", f"{routine}-sham", "sham", ("SH-LB",), b, a)
        for i, (b, a) in enumerate(sham_pairs)
    ]
    return sessions_frame(rows)


def test_real_vs_sham_without_a_plan_matches_a_scipy_permutation_test():
    real, sham = [(6, 3), (6, 4), (7, 3), (5, 3)], [(6, 5), (6, 5), (5, 3), (7, 7)]
    r = stats.real_vs_sham(_two_groups(real, sham), resamples=20000)
    real_drops, sham_drops = np.array([3, 2, 4, 2.0]), np.array([1, 1, 2, 0.0])
    assert (r.n_real, r.n_sham, r.estimate) == (4, 4, pytest.approx(1.75))
    exact = sps.permutation_test(
        (real_drops, sham_drops),
        lambda a, b, axis: np.mean(a, axis=axis) - np.mean(b, axis=axis),
        permutation_type="independent",
        vectorized=True,
        n_resamples=np.inf,
    ).pvalue
    assert r.p_value == pytest.approx(exact, abs=0.01)
    assert r.method == "permutation test" and "weaker" in r.note
    pooled = np.sqrt((3 * real_drops.var(ddof=1) + 3 * sham_drops.var(ddof=1)) / 6)
    assert r.hedges_g == pytest.approx(1.75 / pooled * (1 - 3 / (4 * 8 - 9)))
    # Starting pain is equal on average in both groups here, so adjusting changes little.
    assert r.adjusted_estimate == pytest.approx(1.75, abs=0.3)
    assert r.ci[0] < r.estimate < r.ci[1]


def test_randomisation_within_blocks_matches_full_enumeration():
    # Four blocks of one real and one sham: 2**4 equally likely relabellings.
    drops = np.array([3, 1, 2, 2, 4, 1, 1, 0], dtype=float)
    real = np.array([1, 0, 1, 0, 1, 0, 1, 0], dtype=bool)
    blocks = np.array([1, 1, 2, 2, 3, 3, 4, 4])
    observed = drops[real].mean() - drops[~real].mean()
    hits = 0
    for flips in range(16):
        labels = real.copy()
        for b in range(4):
            if flips >> b & 1:
                labels[2 * b], labels[2 * b + 1] = labels[2 * b + 1], labels[2 * b]
        hits += abs(drops[labels].mean() - drops[~labels].mean()) >= abs(observed) - 1e-12
    exact = hits / 16
    p = stats.randomisation_p(drops, real, blocks, resamples=40000)
    assert p == pytest.approx(exact, abs=0.01)
    # Ignoring the blocks is a different (here smaller-p) test.
    assert stats.randomisation_p(drops, real, None, resamples=40000) != pytest.approx(
        exact, abs=0.01
    )


def test_real_vs_sham_uses_only_planned_sessions_and_their_blocks():
    sessions = _two_groups([(6, 3), (6, 4), (5, 2)], [(6, 5), (6, 6), (5, 5)])
    plan = pd.DataFrame(
        {
            "session_id": [sessions["id"][i] for i in (0, 3, 1, 4)],
            "block": [1, 1, 2, 2],
        }
    )
    r = stats.real_vs_sham(sessions, plan=plan)
    assert (r.n_real, r.n_sham) == (2, 2)
    assert r.method.startswith("randomisation test within")
    assert "2 session(s) outside the plan" in r.note
    assert r.estimate == pytest.approx((3 + 2) / 2 - (1 + 0) / 2)


def test_durability_from_follow_up_ratings():
    sessions = _two_groups([(6, 3), (6, 4), (7, 3)], [(6, 5), (6, 4), (5, 3)])
    ids = list(sessions["id"])
    ratings = ratings_frame(
        [
            ("2026-07-01T21:00:00+02:00", 4, ids[0]),  # kept 2 of the drop
            ("2026-07-01T23:00:00+02:00", 6, ids[0]),  # a later second follow-up: ignored
            ("2026-07-02T21:00:00+02:00", 5, ids[1]),  # kept 1
            ("2026-08-01T21:00:00+02:00", 6, ids[3]),  # kept 0
            ("2026-08-02T21:00:00+02:00", 5, ids[4]),  # kept 1
        ]
    )
    r = stats.real_vs_sham(sessions, ratings=ratings)
    assert (r.n_followup_real, r.n_followup_sham) == (2, 2)
    assert r.durability_estimate == pytest.approx((2 + 1) / 2 - (0 + 1) / 2)


@pytest.mark.parametrize(
    ("real", "sham", "why"),
    [
        ([(6, 3), (5, 2)], [], "No sham sessions"),
        ([], [(6, 5)], "No real sessions"),
        ([(6, 3)], [(6, 5)], "not enough to tell"),
        ([(5, 5)] * 3, [(5, 5)] * 3, "not enough to tell"),
    ],
    ids=["no-sham", "no-real", "one-each", "all-zero"],
)
def test_real_vs_sham_edge_cases_never_crash(real, sham, why):
    r = stats.real_vs_sham(_two_groups(real, sham))
    text = r.summary()
    assert why in text
    assert "works" not in text.lower()
    if min(len(real), len(sham)) < 2:
        assert np.isnan(r.p_value) and all(np.isnan(r.ci))
    if real == [(5, 5)] * 3:
        assert r.estimate == 0 and r.p_value == 1 and np.isnan(r.sessions_needed)


def test_power_matches_the_textbook():
    # Two-sample t-test, d = 0.5, alpha 0.05, power 0.8: about 64 per group.
    assert stats.sessions_for_power(0.5) == pytest.approx(63.77, abs=0.1)
    assert np.isnan(stats.sessions_for_power(0.0))


def _simulated_experiments(effect, experiments=1000, blocks=10, seed=7):
    """Rejection rate of the within-block randomisation test at alpha 0.05."""
    rng = np.random.default_rng(seed)
    rejected = 0
    for i in range(experiments):
        real = np.concatenate([rng.permutation([1, 1, 0, 0]) for _ in range(blocks)]).astype(bool)
        block = np.repeat(np.arange(blocks), 4)
        level = np.repeat(rng.normal(0, 1, blocks), 4)  # good and bad weeks: correlated days
        drops = np.round(1 + level + effect * real + rng.normal(0, 1.2, real.size))
        p = stats.randomisation_p(drops, real, block, resamples=499, seed=i)
        rejected += p <= 0.05
    return rejected / experiments


def test_randomisation_test_is_calibrated_and_has_power():
    type_one = _simulated_experiments(0.0)
    assert 0.03 <= type_one <= 0.07, type_one
    power = _simulated_experiments(1.5, experiments=300)
    assert power > 0.8, power


# -- responders --------------------------------------------------------------------------
def test_gerac_responders():
    r = stats.compare_responders(184, 387, 171, 387)
    assert 0.38 <= r.p_value <= 0.40
    assert r.p_value == pytest.approx(sps.fisher_exact([[184, 203], [171, 216]]).pvalue)
    assert 100 * r.estimate == pytest.approx(3.4, abs=0.05)
    assert r.ci[0] == pytest.approx(-0.037, abs=0.002)  # published: −3.7 to 10.3
    assert r.ci[1] == pytest.approx(0.103, abs=0.002)
    assert r.odds_ratio == pytest.approx(184 * 216 / (203 * 171))
    assert r.odds_ratio_ci[0] < 1 < r.odds_ratio_ci[1]
    assert "cannot tell" in r.summary() and "works" not in r.summary()


@pytest.mark.parametrize(("k1", "n1"), [(5, 4), (-1, 4), (1, 0), (2.5, 4)])
def test_responders_reject_impossible_counts(k1, n1):
    with pytest.raises(ValueError, match="k1"):
        stats.compare_responders(k1, n1, 1, 4)


@pytest.mark.parametrize("kind", ["integers", "continuous"])
def test_hodges_lehmann_matches_all_walsh_averages(kind):
    rng = np.random.default_rng(5)
    for n in (1, 2, 3, 4, 7, 30, 101):
        x = rng.integers(-3, 7, n).astype(float) if kind == "integers" else rng.normal(size=n)
        i, j = np.triu_indices(n)
        assert stats.hodges_lehmann(x) == pytest.approx(np.median((x[i] + x[j]) / 2))
