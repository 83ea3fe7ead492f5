from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from fixtures import leave_one_out_plan, ratings_frame, sessions_frame, wilson
from scipy import stats as sps

from acutrack import stats
from acutrack.stats.before_after import RHO_CAP, RHO_FLOOR, autocorrelation


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


def test_bootstrap_ci():
    rng = np.random.default_rng(1)
    values = rng.integers(-1, 5, size=40).astype(float)
    low, high = stats.bootstrap_ci(values)
    assert low < values.mean() < high
    assert high - low < 1.5
    assert stats.bootstrap_ci(np.array([3.0, 3.0, 3.0])) == (3.0, 3.0)
    assert all(np.isnan(stats.bootstrap_ci(np.array([2.0]))))
    assert stats.bootstrap_ci(values) == stats.bootstrap_ci(values)  # seeded


def test_bootstrap_ci_matches_scipy():
    rng = np.random.default_rng(1)
    values = rng.integers(-1, 5, size=40).astype(float)
    # SciPy: bootstrap((values,), np.mean, method="BCa") with the same resamples and seed.
    expected = sps.bootstrap(
        (values,),
        np.mean,
        confidence_level=0.95,
        n_resamples=9999,
        method="BCa",
        rng=np.random.default_rng(20070),
    ).confidence_interval
    assert stats.bootstrap_ci(values) == pytest.approx((expected.low, expected.high))


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
    assert np.isnan(r.p_value)  # a description, not a test
    assert r.ci == stats.mean_drop_interval(drops)
    assert r.hodges_lehmann == stats.hodges_lehmann(drops)
    # Seven sessions that may be alike from one to the next: the interval is wide.
    assert r.verdict == ("lower after" if r.ci[0] > 0 else "no change detected")
    assert "95 % CI" in r.summary() and "<table>" in r._repr_html_()
    assert "not evidence that the pressing helped" in r.summary()


def test_autocorrelation_is_bias_corrected_floored_and_capped_by_hand():
    # Relief in spells of five sessions: lag-1 estimate 0.633, which Marriott and Pope's
    # correction raises by (1 + 4 × 0.633) / 30 to 0.751, above the floor.
    spells = np.array(([3] * 5 + [0] * 5) * 3, dtype=float)
    centred = spells - spells.mean()
    raw = (centred[1:] * centred[:-1]).sum() / (centred**2).sum()
    assert raw == pytest.approx(19 / 30)
    assert autocorrelation(spells) == pytest.approx(raw + (1 + 4 * raw) / 30)
    assert RHO_FLOOR < autocorrelation(spells) < RHO_CAP
    # A steady rise: corrected above 1, where (1 + ρ) / (1 − ρ) has no meaning; capped.
    assert autocorrelation(np.arange(10.0)) == RHO_CAP
    low, high = stats.mean_drop_interval(np.arange(10.0))
    assert np.isfinite(low) and np.isfinite(high)


@pytest.mark.parametrize(
    ("pairs", "verdict"),
    [
        ([], "too few"),
        ([(6, 3)], "too few"),
        ([(6, 4), (5, 3)], "too few"),
        ([(5, 5)] * 6, "no change detected"),
        ([(5, 4)] * 9, "lower after"),
        ([(5, 5), (4, 4), (6, 7), (5, 4), (6, 6)], "no change detected"),
    ],
    ids=["none", "one", "two", "zeros", "every-drop-1", "mixed"],
)
def test_before_after_verdicts_and_edge_cases(pairs, verdict):
    r = stats.before_after(_sessions(pairs))
    assert r.n == len(pairs)
    assert r.verdict == verdict
    text = r.summary().lower()
    assert "works" not in text and "does not work" not in text
    if len(pairs) < 2:
        assert np.isnan(r.p_value) and all(np.isnan(r.ci)) and r.note
    if len(set(pairs)) == 1 and len(pairs) > 1:  # identical drops: never a zero-width interval
        assert all(np.isnan(r.ci))
        assert "not enough variation to give an interval" in text


def test_before_after_filters():
    s = _sessions([(6, 3), (5, 4), (7, 7)])
    s.loc[2, "routine"] = "stress"
    assert stats.before_after(s, routine="back").n == 2
    assert stats.before_after(s, condition="sham").n == 0
    assert isinstance(stats.before_after(s).to_dict(), dict)
    assert pd.isna(stats.before_after(s, condition="sham").estimate)


# -- real against sham -------------------------------------------------------------------
def _planned(real_pairs, sham_pairs, block_size=4, blocks_planned=None, routine="back"):
    """Sessions that fulfilled a plan in order: blocks of real and sham, and the plan."""
    rows, plan = [], []
    per = block_size // 2
    blocks = len(real_pairs) // per
    blocks_planned = blocks_planned or blocks
    for b in range(blocks_planned):
        for k in range(block_size):
            real = k % 2 == 0
            pairs = real_pairs if real else sham_pairs
            index = b * per + k // 2
            slot = {
                "slot": f"p-{b}-{k}",
                "block": b + 1,
                "due": pd.Timestamp("2026-07-01", tz="UTC"),
            }
            slot["routine"], slot["condition"] = (
                (routine, "real") if real else (routine + "-sham", "sham")
            )
            if b < blocks and index < len(pairs):
                day = len(rows) + 1
                before, after = pairs[index]
                rows.append(
                    (
                        f"2026-07-{day:02d}T19:00:00+02:00",
                        slot["routine"],
                        slot["condition"],
                        ("BL23",),
                        before,
                        after,
                    )
                )
                slot["session_id"] = f"s-{len(rows) - 1:010d}"
            else:
                slot["session_id"] = None
            plan.append(slot)
    return sessions_frame(rows), pd.DataFrame(plan)


def _brute_force_p(drops, real, blocks):
    """Every relabelling within blocks, by enumeration."""
    import itertools

    groups = [np.flatnonzero(blocks == b) for b in np.unique(blocks)]
    choices = [list(itertools.combinations(g, int(real[g].sum()))) for g in groups]
    observed = abs(drops[real].mean() - drops[~real].mean())
    hits = total = 0
    for pick in itertools.product(*choices):
        labels = np.zeros(drops.size, dtype=bool)
        labels[[i for c in pick for i in c]] = True
        hits += abs(drops[labels].mean() - drops[~labels].mean()) >= observed - 1e-12
        total += 1
    return hits / total


@pytest.mark.parametrize("seed", range(6))
def test_the_randomisation_test_matches_full_enumeration(seed):
    rng = np.random.default_rng(seed)
    size, count = (2, 5) if seed % 2 else (4, 3)
    blocks = np.repeat(np.arange(count), size)
    real = np.concatenate([rng.permutation([True, False] * (size // 2)) for _ in range(count)])
    drops = rng.integers(-2, 6, size * count).astype(float)
    assert stats.randomisation_test(drops, real, blocks) == pytest.approx(
        _brute_force_p(drops, real, blocks)
    )


def test_the_smallest_p_of_a_design():
    pairs = np.repeat(np.arange(4), 2)  # four blocks of two: 2**4 relabellings
    assert stats.smallest_p(np.tile([True, False], 4), pairs) == 2 / 16
    fours = np.repeat(np.arange(3), 4)  # three blocks of four: 6**3
    assert stats.smallest_p(np.tile([True, True, False, False], 3), fours) == 2 / 216


REAL_GOOD = [(7, 2), (6, 2), (7, 3), (6, 1), (7, 2), (6, 2), (7, 3), (6, 2)]
SHAM_SAME = [(7, 7), (6, 6), (7, 6), (6, 6), (7, 7), (6, 5), (7, 7), (6, 6)]


def test_a_finished_plan_with_a_clear_difference_says_real():
    sessions, plan = _planned(REAL_GOOD, SHAM_SAME)
    r = stats.real_vs_sham(sessions, plan=plan)
    assert (r.verdict, r.plan_state, r.blocks_done, r.blocks_planned) == ("real", "done", 4, 4)
    assert r.p_value == pytest.approx(2 / 6**4)  # the most extreme of 6**4 relabellings
    assert r.ci[0] > 0
    assert "real pressure relieved more than sham" in r.summary()
    assert "not blind" in r.summary()


def test_one_block_is_too_early_whatever_the_data():
    sessions, plan = _planned(REAL_GOOD[:2], SHAM_SAME[:2])
    r = stats.real_vs_sham(sessions, plan=plan)
    assert r.verdict == "too early"
    assert r.smallest_p == pytest.approx(2 / 6)
    assert not all(np.isfinite(r.ci))  # an honest interval is unbounded here
    assert "cannot reach" in r.summary()


def test_two_blocks_of_four_cannot_reach_five_percent():
    sessions, plan = _planned(REAL_GOOD[:4], SHAM_SAME[:4])
    r = stats.real_vs_sham(sessions, plan=plan)
    assert (r.verdict, r.smallest_p) == ("too early", pytest.approx(2 / 36))


def test_an_interim_look_gives_no_verdict():
    sessions, plan = _planned(REAL_GOOD, SHAM_SAME, blocks_planned=8)
    r = stats.real_vs_sham(sessions, plan=plan, today=pd.Timestamp("2026-07-05", tz="UTC"))
    assert (r.verdict, r.plan_state) == ("too early", "interim")
    assert np.isnan(r.p_value) and all(np.isnan(r.ci))
    assert "4 of 8 blocks" in r.summary() and "Interim" in r.summary()


def test_a_plan_ended_early_is_judged_strictly():
    sessions, plan = _planned(REAL_GOOD, SHAM_SAME, blocks_planned=8)
    r = stats.real_vs_sham(sessions, plan=plan, today=pd.Timestamp("2026-08-01", tz="UTC"))
    assert (r.plan_state, r.alpha) == ("ended early", pytest.approx(0.05 / 8))
    assert r.verdict == "real"  # p = 2/1296 < 0.05/8
    assert "ended early" in r.summary()


def test_identical_drops_are_no_difference():
    same = [(6, 4)] * 8
    sessions, plan = _planned(same, same)
    r = stats.real_vs_sham(sessions, plan=plan)
    assert (r.verdict, r.estimate, r.p_value) == ("no difference", 0, 1)
    assert -1 < r.ci[0] <= 0 <= r.ci[1] < 1
    assert "relieved about the same (real by 2.0 points, sham by 2.0)" in r.summary()
    assert "two one-sided tests, each at 2.5 %" in r.summary()


def test_without_a_plan_it_describes_and_never_judges():
    sessions, _ = _planned(REAL_GOOD, SHAM_SAME)
    r = stats.real_vs_sham(sessions)
    assert (r.verdict, r.plan_state) == ("unclear", "no plan")
    assert np.isnan(r.p_value) and all(np.isnan(r.ci))
    assert "not assigned by a randomised plan" in r.summary()
    assert r.estimate == pytest.approx(
        np.mean([b - a for b, a in REAL_GOOD]) - np.mean([b - a for b, a in SHAM_SAME])
    )


def test_one_condition_missing():
    sessions, plan = _planned(REAL_GOOD, SHAM_SAME)
    only_real = sessions[sessions["condition"] == "real"]
    r = stats.real_vs_sham(only_real)
    assert (r.n_real, r.n_sham, r.verdict) == (8, 0, "unclear")
    assert "No sham sessions yet" in r.summary()
    planned = stats.real_vs_sham(only_real, plan=plan)  # no block of the plan is whole
    assert (planned.n, planned.verdict) == (0, "too early")
    assert "No block of the plan is complete" in planned.summary()


def test_sessions_outside_the_plan_and_unfinished_blocks_are_left_out():
    sessions, plan = _planned(REAL_GOOD, SHAM_SAME)
    plan.loc[plan.index[-1], "session_id"] = None  # the last block lacks a session
    extra = sessions.iloc[:1].assign(id="s-offplan000")
    r = stats.real_vs_sham(
        pd.concat([sessions, extra]), plan=plan, today=pd.Timestamp("2026-07-05", tz="UTC")
    )
    assert r.blocks_done == 3
    assert "2 sessions outside the plan" in r.note  # the extra one, and the unlinked one
    assert "3 sessions of unfinished blocks" in r.note


def test_durability_from_follow_up_ratings():
    sessions, plan = _planned(REAL_GOOD[:2], SHAM_SAME[:2])
    ids = list(sessions["id"])  # real, sham, real, sham
    ratings = ratings_frame(
        [
            ("2026-07-01T21:00:00+02:00", 4, ids[0]),  # real from 7: 3 points still down
            ("2026-07-01T23:00:00+02:00", 6, ids[0]),  # a later second follow-up: ignored
            ("2026-07-02T21:00:00+02:00", 7, ids[1]),  # sham from 7: 0
            ("2026-07-03T21:00:00+02:00", 4, ids[2]),  # real from 6: 2
            ("2026-07-04T21:00:00+02:00", 5, ids[3]),  # sham from 6: 1
        ]
    )
    r = stats.real_vs_sham(sessions, ratings=ratings, plan=plan)
    assert (r.n_followup_real, r.n_followup_sham) == (2, 2)
    assert r.durability_estimate == pytest.approx((3 + 2) / 2 - (0 + 1) / 2)


def test_durability_uses_only_the_compared_sessions():
    sessions, plan = _planned(REAL_GOOD[:2], SHAM_SAME[:2])
    ids = list(sessions["id"])  # real, sham, real, sham
    extra = sessions.iloc[:1].assign(id="s-offplan000")  # a real session outside the plan
    ratings = ratings_frame(
        [
            ("2026-07-01T21:00:00+02:00", 4, ids[0]),  # real from 7: 3
            ("2026-07-02T21:00:00+02:00", 7, ids[1]),  # sham from 7: 0
            ("2026-07-03T21:00:00+02:00", 4, ids[2]),  # real from 6: 2
            ("2026-07-04T21:00:00+02:00", 5, ids[3]),  # sham from 6: 1
            ("2026-07-01T22:00:00+02:00", 0, "s-offplan000"),  # off the plan: not counted
        ]
    )
    r = stats.real_vs_sham(pd.concat([sessions, extra]), ratings=ratings, plan=plan)
    assert (r.n_followup_real, r.n_followup_sham) == (2, 2)
    assert r.durability_estimate == pytest.approx((3 + 2) / 2 - (0 + 1) / 2)


def test_the_estimate_is_least_squares_with_the_blocks_and_the_starting_pain():
    real = [(7, 3), (6, 4), (5, 2), (8, 5), (4, 2), (6, 3), (9, 4), (7, 5)]
    sham = [(6, 5), (8, 6), (4, 4), (7, 5), (5, 5), (3, 2), (8, 7), (6, 6)]
    sessions, plan = _planned(real, sham)
    data = sessions.assign(
        drop=sessions["pain_before"] - sessions["pain_after"],
        real=(sessions["condition"] == "real").astype(float),
        block=sessions["id"].map(plan.set_index("session_id")["block"]),
    )
    # statsmodels: ols("drop ~ real + pain_before + C(block)"); without the blocks the
    # coefficient here would be 1.91 instead of 1.83.
    fit = smf.ols("drop ~ real + pain_before + C(block)", data).fit()
    r = stats.real_vs_sham(sessions, plan=plan)
    assert r.estimate == pytest.approx(fit.params["real"])
    assert r.statistic == "adjusted"


def test_hedges_g_by_hand():
    a, b = np.array([5.0, 3.0, 4.0, 6.0]), np.array([1.0, 2.0, 0.0])
    pooled = np.sqrt((3 * a.var(ddof=1) + 2 * b.var(ddof=1)) / 5)
    assert stats.hedges_g(a, b) == pytest.approx((4.5 - 1) / pooled * (1 - 3 / (4 * 7 - 9)))


def test_leave_one_out_compares_the_whole_routine_with_the_point_left_out():
    # Two blocks of two: in each, one session of the whole routine, one without GB30.
    whole, without = [(7, 2), (6, 2)], [(7, 6), (6, 5)]
    sessions, slots = leave_one_out_plan(
        [[(*whole[b], None), (*without[b], "GB30")] for b in range(2)]
    )
    r = stats.leave_one_out(sessions, plan=slots)
    assert (r.point, r.n_with, r.n_without, r.plan_state) == ("GB30", 2, 2, "done")
    assert r.estimate == pytest.approx((5 + 4) / 2 - (1 + 1) / 2)


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


def test_responder_intervals_by_hand_on_small_counts():
    r = stats.compare_responders(9, 10, 2, 10)
    # Newcombe's hybrid score interval (method 10): from each rate's Wilson interval.
    (low1, high1), (low2, high2) = wilson(9, 10), wilson(2, 10)
    d = 0.9 - 0.2
    assert r.ci == pytest.approx(
        (d - np.hypot(0.9 - low1, high2 - 0.2), d + np.hypot(high1 - 0.9, 0.2 - low2))
    )
    # SciPy: odds_ratio([[9, 1], [2, 8]]).confidence_interval(0.95), conditional MLE.
    expected = sps.contingency.odds_ratio([[9, 1], [2, 8]]).confidence_interval(0.95)
    assert r.odds_ratio_ci == pytest.approx((expected.low, expected.high))


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


def test_responders_with_a_zero_count_have_a_finite_odds_ratio():
    r = stats.compare_responders(0, 10, 5, 10)
    assert r.odds_ratio == pytest.approx((0.5 * 5.5) / (10.5 * 5.5))
    assert np.isfinite(r.odds_ratio)


def test_no_difference_found_is_not_called_no_difference():
    text = stats.compare_responders(184, 387, 171, 387).summary()
    assert "not the same as showing they are alike" in text
    assert "10 percentage points" in text  # the interval's far end, in words
