"""Sharper answers from a plan: the adjusted exact test, four verdicts that agree with their
interval, the probability of a worthwhile benefit, lingering relief, and power said ahead."""

from __future__ import annotations

import csv
import itertools
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from fixtures import leave_one_out_plan, sessions_frame

from acutrack import plan, stats
from acutrack.stats import benefit, power
from acutrack.stats.randomisation import GRID, RESOLUTION


def _plan_data(seed: int, blocks: int = 6, size: int = 4, effect: float = 0.0):
    rng = np.random.default_rng(seed)
    block = np.repeat(np.arange(blocks), size)
    real = np.concatenate([rng.permutation(np.arange(size) < size // 2) for _ in range(blocks)])
    before = rng.integers(3, 9, block.size).astype(float)
    drops = np.round(0.5 * (before - 5) + rng.normal(0, 1.2, block.size) + effect * real)
    return drops, real, block, before


def _brute_force_adjusted_p(drops, real, block, before):
    """Every relabelling within blocks; the drops' residuals from the blocks and the
    starting pain by least squares, rounded to the test's grid."""
    design = np.column_stack([np.eye(block.max() + 1)[block], before])
    residual = drops - design @ np.linalg.lstsq(design, drops, rcond=None)[0]
    values = np.round(residual * GRID)
    groups = [np.flatnonzero(block == b) for b in np.unique(block)]
    picks = [list(itertools.combinations(g, int(real[g].sum()))) for g in groups]
    centre = values.sum() * real.sum() / real.size
    observed = abs(values[real].sum() - centre)
    hits = [
        abs(values[[i for chosen in pick for i in chosen]].sum() - centre) >= observed - 1e-9
        for pick in itertools.product(*picks)
    ]
    return np.mean(hits)


@pytest.mark.parametrize("seed", range(4))
def test_the_adjusted_test_matches_full_enumeration(seed):
    drops, real, block, before = _plan_data(seed, blocks=4)
    p = stats.randomisation_test(drops, real, block, before=before, statistic="adjusted")
    assert p == pytest.approx(_brute_force_adjusted_p(drops, real, block, before))


def test_the_adjusted_test_is_sharper_where_the_start_explains_the_drop():
    # Drops that follow the starting pain closely, plus 1 point for real: the raw test
    # drowns the point in the spread the start makes, the adjusted one finds it.
    drops, real, block, before = _plan_data(5, blocks=6)
    drops = np.round(1.5 * (before - 5)) + real
    raw = stats.randomisation_test(drops, real, block)
    adjusted = stats.randomisation_test(drops, real, block, before=before, statistic="adjusted")
    assert adjusted < 0.01 < raw


@pytest.mark.parametrize("statistic", ["raw", "adjusted"])
def test_the_interval_ends_are_the_last_differences_the_test_keeps(statistic):
    drops, real, block, before = _plan_data(3, blocks=8, effect=1.5)
    kw = {"before": before, "statistic": statistic}
    low, high = stats.randomisation_ci(drops, real, block, **kw)
    assert low < stats.estimate(drops, real, block, **kw) < high
    step = 1 / RESOLUTION
    for end, outward in ((low, -step), (high, step)):
        assert stats.randomisation_test(drops, real, block, shift=end, **kw) > 0.05
        assert stats.randomisation_test(drops, real, block, shift=end + outward, **kw) <= 0.05


def test_an_end_the_data_cannot_bound_is_infinite():
    drops, real, block, before = _plan_data(1, blocks=1)
    low, high = stats.randomisation_ci(drops, real, block, before=before, statistic="adjusted")
    assert (low, high) == (-math.inf, math.inf)


def test_the_verdict_always_agrees_with_its_interval():
    said = set()
    for seed in range(60):
        effect = (-1.5, -0.5, 0.0, 0.5, 1.0, 2.0)[seed % 6]
        drops, real, block, before = _plan_data(seed, blocks=8, effect=effect)
        verdict, p, (low, high), alpha = stats.sham_verdict(
            drops, real, block, state="done", planned_blocks=8, before=before
        )
        said.add(verdict)
        assert (verdict == "real") == (low > 0)
        assert (verdict == "sham") == (high < 0)
        assert (verdict == "no difference") == (-1 < low <= 0 <= high < 1)
        assert (p <= alpha) == (verdict in ("real", "sham"))
    assert said == {"real", "sham", "no difference", "unclear"}


def test_the_estimate_is_the_ancova_coefficient():
    drops, real, block, before = _plan_data(7, blocks=5, effect=1.0)
    frame = pd.DataFrame({"drop": drops, "real": real.astype(float), "b": block, "x": before})
    fit = smf.ols("drop ~ real + x + C(b)", frame).fit()
    got = stats.estimate(drops, real, block, before=before, statistic="adjusted")
    assert got == pytest.approx(fit.params["real"])
    assert stats.estimate(drops, real, block) == pytest.approx(
        drops[real].mean() - drops[~real].mean()
    )


# -- which statistic a plan uses -----------------------------------------------------------
def _a_plan(statistic=...):
    rows, slots = [], []
    rng = np.random.default_rng(11)
    for b in range(6):
        for condition in rng.permutation(["real", "real", "sham", "sham"]):
            before = int(rng.integers(4, 9))
            after = max(0, before - int(rng.integers(0, 4)) - (condition == "real"))
            routine = "back" if condition == "real" else "back-sham"
            day = f"2026-07-{len(rows) + 1:02d}T19:00:00+02:00"
            rows.append((day, routine, condition, ("BL23",), before, after))
            slot = {
                "block": b + 1,
                "session_id": f"s-{len(rows) - 1:010d}",
                "routine": routine,
                "condition": condition,
                "due": pd.Timestamp("2026-07-01", tz="UTC"),
            }
            if statistic is not ...:
                slot["statistic"] = statistic
            slots.append(slot)
    return sessions_frame(rows), pd.DataFrame(slots)


def test_a_plan_keeps_the_statistic_it_was_made_with():
    sessions, slots = _a_plan()  # slots without the column: adjusted
    adjusted = stats.real_vs_sham(sessions, plan=slots)
    sessions, older = _a_plan(None)  # an older plan.csv: the column empty
    raw = stats.real_vs_sham(sessions, plan=older)
    assert (adjusted.statistic, raw.statistic) == ("adjusted", "raw")
    assert raw.estimate == pytest.approx(raw.mean_real - raw.mean_sham)
    assert adjusted.estimate != pytest.approx(raw.estimate)
    assert "allowing for the pain each session started from" in adjusted.summary()
    assert "allowing for" not in raw.summary()
    chosen = stats.real_vs_sham(sessions, plan=older, statistic="adjusted")
    assert chosen.estimate == pytest.approx(adjusted.estimate)
    with pytest.raises(ValueError, match="adjusted"):
        stats.real_vs_sham(sessions, plan=older, statistic="ranks")


def test_a_new_plan_records_its_statistic_and_an_older_file_reads_as_raw(journal):
    plan.make_plan(journal, ["back"], weeks=2, sessions_per_week=4, seed=3, anyway=True)
    path = journal.path / "plan.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {row["statistic"] for row in rows} == {"adjusted"}
    assert {s.statistic for s in journal.plan_slots()} == {"adjusted"}
    with path.open("w", newline="", encoding="utf-8") as f:  # as written before the column
        fields = [name for name in rows[0] if name != "statistic"]
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    older = journal.plan_slots()
    assert len(older) == len(rows) and {s.statistic for s in older} == {None}
    assert stats.real_vs_sham(journal.sessions(), plan=older).statistic == "raw"


# -- the probability of a benefit ------------------------------------------------------------
def test_prob_benefit_by_hand():
    # Prior N(0, 1.5²), estimate 1.4 with SE 0.5: posterior precision 1/2.25 + 4.
    precision = 1 / 2.25 + 1 / 0.25
    mean = 1.4 / 0.25 / precision
    expected = 1 - sps_norm_cdf((1 - mean) * math.sqrt(precision))
    assert benefit.prob_benefit(1.4, 0.5) == pytest.approx(expected)
    assert benefit.prob_benefit(0.0, 0.5) < 0.05 < 0.95 < benefit.prob_benefit(3.0, 0.3)
    assert math.isnan(benefit.prob_benefit(1.0, math.nan))
    words = [benefit.benefit_in_words(x) for x in (0.02, 0.34, 0.81, 0.97)]
    assert words == ["less than 1 in 10", "about 3 in 10", "about 8 in 10", "more than 9 in 10"]


def sps_norm_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2))


def test_the_standard_error_is_newey_west_with_the_small_sample_factor():
    drops, real, block, before = _plan_data(21, blocks=10, effect=1.0)
    drops = drops + np.repeat(np.random.default_rng(2).normal(0, 1.5, 10), 4)  # spells
    design = np.column_stack([real.astype(float), np.eye(10)[block], before])
    lags = math.ceil(real.size ** (1 / 3))
    fit = sm.OLS(drops, design).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": False}
    )
    iid = sm.OLS(drops, design).fit(cov_type="HC0")
    estimate, se = benefit.standard_error(drops, real, block, before)
    assert estimate == pytest.approx(fit.params[0])
    n, k = design.shape
    expected = max(fit.bse[0], iid.bse[0]) * math.sqrt(n / (n - k))
    assert se == pytest.approx(expected)


def test_prob_benefit_is_given_only_when_the_plan_is_done():
    sessions, slots = _a_plan()
    done = stats.real_vs_sham(sessions, plan=slots)
    assert 0 <= done.prob_benefit <= 1
    assert "the chance that real relieves at least 1 point more than sham is" in done.summary()
    unfinished = pd.concat([slots, slots.iloc[:4].assign(block=7, session_id=None)])
    early = stats.real_vs_sham(
        sessions, plan=unfinished, today=pd.Timestamp("2026-07-05", tz="UTC")
    )
    assert early.plan_state == "interim" and math.isnan(early.prob_benefit)
    assert "chance that real" not in early.summary() and "Split by" not in early.summary()


# -- lingering relief ------------------------------------------------------------------------
def test_carry_over_splits_by_the_session_before():
    drops = np.array([3, 1, 4, 0, 2, 2, 5, 1.0])
    real = np.array([1, 0, 1, 0, 0, 1, 1, 0], dtype=bool)
    # after a real session (positions 1, 3, 6, 7): real 5; sham 1, 0, 1
    # after a sham session (positions 2, 4, 5): real 4, 2; sham 2
    after_real, after_sham, n_real, n_sham = stats.carry_over(drops, real)
    assert after_real == pytest.approx(5 - 2 / 3)
    assert after_sham == pytest.approx(3 - 2)
    assert (n_real, n_sham) == (4, 3)
    sessions, slots = _a_plan()
    r = stats.real_vs_sham(sessions, plan=slots)
    assert r.n_after_real + r.n_after_sham == r.n - 1
    assert "Split by the session before" in r.summary()


def test_lingering_relief_lowers_the_next_sessions_pain():
    from acutrack.stats.simulate import DiarySettings, simulate_diaries

    plain = simulate_diaries(3000, 8, DiarySettings(), seed=4)
    linger = simulate_diaries(3000, 8, DiarySettings(linger=1.0), seed=4)
    after_real = np.pad(plain.real[:, :-1], ((0, 0), (1, 0)))
    gap = (plain.before - linger.before)[after_real].mean()
    assert np.array_equal(plain.real, linger.real)
    assert 0.8 < gap < 1.0  # a point lower, a little less where the scale stops at 0
    assert (plain.before == linger.before)[~after_real].all()


# -- leave one out ---------------------------------------------------------------------------
def test_leave_one_out_says_no_difference_and_that_it_was_open_label():
    # Five blocks: with and without GB30 alike, each session 2 points down.
    blocks = [
        [(6 + b % 2, 4 + b % 2, point) for point in (None, "GB30", None, "GB30")] for b in range(5)
    ]
    sessions, slots = leave_one_out_plan(blocks)
    r = stats.leave_one_out(sessions, plan=slots)
    assert r.verdict == "no difference"
    assert "did not change the relief by 1 point or more" in r.summary()
    assert "You knew which sessions left GB30 out" in r.summary()


# -- power said ahead ------------------------------------------------------------------------
def test_the_stored_power_table_is_whole_and_grows_with_the_plan():
    table = pd.read_csv(power.TABLE)
    assert len(table) == len(power.LENGTHS) * len(power.EFFECTS) * len(power.KINDS)
    for _, cell in table.groupby(["kind", "effect"]):
        powers = cell.sort_values("sessions")["power"].to_numpy()
        assert powers[-1] > powers[0] + 0.3
    low, high = power.power_range(40)
    assert 0 < low <= high < 1
    assert power.power_range(41) == power.power_range(40)  # never the longer plan's figure
    fewest, most = power.sessions_for(1.0)
    assert fewest <= most and power.power_range(most)[0] >= 0.8
    words = power.power_words(40)
    assert f"{math.floor(100 * low)} % to {math.floor(100 * high)} %" in words
    assert f"For 80 % at 1 point: about {fewest}–{most} sessions." in words


@pytest.mark.slow
def test_the_stored_power_table_matches_a_fresh_simulation(monkeypatch):
    monkeypatch.setattr(power, "LENGTHS", (40,))
    monkeypatch.setattr(power, "EFFECTS", (1.0,))
    monkeypatch.setattr(power, "KINDS", {"typical": {}})
    fresh = power.simulate_power_table(diaries=300, seed=99)[0]["power"]
    table = pd.read_csv(power.TABLE)
    stored = table.query("sessions == 40 and effect == 1 and kind == 'typical'")["power"].item()
    assert abs(fresh - stored) < 3 * math.sqrt(stored * (1 - stored) / 300) + 0.01
