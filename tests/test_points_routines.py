"""Points and routines: a point goes with more relief only when every rule holds; routines
described."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from dataclasses import replace
from html.parser import HTMLParser

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from fixtures import sessions_frame
from matplotlib.colors import to_rgba

import acutrack as at
from acutrack import analysis as an
from acutrack import plots, report
from acutrack.analysis.points import MIN_WITHOUT
from acutrack.plots._axes import GREY, REAL
from acutrack.stats import mean_drop_interval
from acutrack.stats.results import fmt_ci

START = pd.Timestamp("2026-03-02T19:00:00+01:00")
BEFORE = [5, 7, 6, 8]  # starting pain, in turn
NOISE = [0, 1, -1, 1, 0, -1, 0]  # the rest of the drop, in turn (not in step with BEFORE)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _diary(n=24, *, left_out=range(0, 24, 3), effect=3, routine="back", twin=False, day0=0):
    """``n`` daily sessions pressing BL23 always and GB30 except in ``left_out``.

    The drop is ``effect`` when GB30 is pressed, plus a fixed pattern of ±1. With
    ``twin``, BL52 is pressed exactly when GB30 is.
    """
    rows = []
    for i in range(n):
        gb30 = i not in left_out
        points = ("BL23",) + (("GB30",) + (("BL52",) if twin else ()) if gb30 else ())
        before = BEFORE[i % 4]
        drop = effect * gb30 + NOISE[i % 7]
        stamp = (START + pd.Timedelta(days=day0 + i)).isoformat()
        rows.append((stamp, routine, "real", points, before, before - drop))
    return rows


def _ols(sessions, formula="drop ~ gb30 + pain_before + days"):
    data = sessions.assign(
        drop=sessions["pain_before"] - sessions["pain_after"],
        gb30=sessions["points"].map(lambda p: "GB30" in p).astype(float),
        days=(sessions["started_at"] - sessions["started_at"].min()).dt.days,
    )
    return smf.ols(formula, data).fit()


def test_point_went_with_more_relief_when_every_rule_holds():
    sessions = sessions_frame(_diary())
    row = an.rank_points(sessions).set_index("point").loc["GB30"]
    fit = _ols(sessions)
    # One point judged: a 95 % interval. GB30 is left out every third session, so its
    # column is not alike from one session to the next and the OLS interval is kept.
    assert row["ci_level"] == 0.95
    assert row["estimate"] == pytest.approx(fit.params["gb30"])
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(fit.conf_int().loc["gb30"]))
    assert row["ci_low"] > 0
    assert (row["sessions_with"], row["sessions_without"]) == (16, 8)
    assert row["more_relief"] and row["reason"].startswith("went with more relief")
    assert an.rank_points(sessions)["point"].iloc[0] == "GB30"  # more relief first


def test_too_few_sessions_without_the_point():
    rows = _diary(left_out=(0, 9, 18))
    table = an.rank_points(sessions_frame(rows)).set_index("point")
    gb30 = table.loc["GB30"]
    assert not gb30["more_relief"] and np.isnan(gb30["estimate"]) and np.isnan(gb30["ci_level"])
    assert gb30["reason"] == f"too few sessions without it (3 of the {MIN_WITHOUT} needed)"
    assert table.loc["BL23", "reason"] == "pressed in every session of the back routine"


def test_interval_that_includes_no_effect():
    row = an.rank_points(sessions_frame(_diary(effect=0))).set_index("point").loc["GB30"]
    assert row["ci_low"] < 0 < row["ci_high"]
    assert not row["more_relief"] and row["reason"] == "its interval includes no effect"


def test_points_always_pressed_together():
    table = an.rank_points(sessions_frame(_diary(twin=True))).set_index("point")
    assert table.loc["GB30", "reason"] == "always pressed together with BL52"
    assert table.loc["BL52", "reason"] == "always pressed together with GB30"
    assert not table["more_relief"].any() and table["estimate"].isna().all()


def test_nine_sessions_with_every_drop_one_are_not_judged():
    points = [("BL23", "GB30"), ("BL23",), ("GB30",)]
    rows = [
        ((START + pd.Timedelta(days=i)).isoformat(), "back", "real", points[i % 3], b, b - 1)
        for i, b in enumerate([6, 5, 7, 8, 6, 5, 7, 8, 6])
    ]
    table = an.rank_points(sessions_frame(rows))
    assert not table["more_relief"].any()
    assert set(table["reason"]) == {"no variation left to judge"}
    assert table["ci_low"].isna().all()  # never an interval of zero width


def test_contrast_is_within_routine_and_sessions_without_counts_it():
    # "stress" never presses GB30 and drops by 4 whatever; in "back" GB30 adds 3.
    stress = [
        ((START + pd.Timedelta(days=i, hours=2)).isoformat(), "stress", "real", ("PC6",), 8, 4)
        for i in range(40)
    ]
    sessions = sessions_frame(_diary() + stress).sort_values("started_at", ignore_index=True)
    table = an.rank_points(sessions).set_index("point")
    gb30 = table.loc["GB30"]
    assert (gb30["sessions_with"], gb30["sessions_without"]) == (16, 8)  # not 8 + 40
    assert gb30["routines"] == "back"
    fit = _ols(sessions, "drop ~ C(routine) + gb30 + pain_before + days")
    assert gb30["estimate"] == pytest.approx(fit.params["gb30"])
    assert gb30["more_relief"]


def test_intervals_are_corrected_for_the_points_judged():
    # GB30 left out every third session, BL23 in a different rhythm: both judged, and
    # neither column is alike from one session to the next, so OLS intervals are kept.
    rows = _diary(n=30, left_out=range(0, 30, 3))
    rows = [
        (t, r, c, tuple(p for p in pts if not (p == "BL23" and i % 3 == 1 and i < 27)), b, a)
        for i, (t, r, c, pts, b, a) in enumerate(rows)
    ]
    sessions = sessions_frame(rows)
    table = an.rank_points(sessions).set_index("point")
    assert (table["ci_level"] == 1 - 0.05 / 2).all()
    fit = _ols(
        sessions.assign(bl23=sessions["points"].map(lambda p: "BL23" in p).astype(float)),
        "drop ~ gb30 + bl23 + pain_before + days",
    )
    interval = tuple(table.loc["GB30", ["ci_low", "ci_high"]])
    assert interval == pytest.approx(tuple(fit.conf_int(alpha=0.05 / 2).loc["gb30"]))


def test_point_left_out_in_spells_gets_a_wider_interval():
    # Left out for four days running, twice: neighbouring sessions alike in the point's
    # column, so the interval allows for spells of relief (never narrower than OLS).
    sessions = sessions_frame(_diary(left_out=(*range(4, 8), *range(14, 18))))
    row = an.rank_points(sessions).set_index("point").loc["GB30"]
    low, high = _ols(sessions).conf_int().loc["gb30"]
    assert row["ci_high"] - row["ci_low"] > 1.2 * (high - low)
    assert row["estimate"] == pytest.approx((low + high) / 2)


def test_less_relief_with_a_point_is_not_more_relief():
    row = an.rank_points(sessions_frame(_diary(effect=-3))).set_index("point").loc["GB30"]
    assert row["ci_high"] < 0 and not row["more_relief"]
    assert row["reason"] == "went with less relief (its interval lies below no effect)"


def _planted(n=240, seed=3):
    rng = np.random.default_rng(seed)
    a, b, c, d = (rng.random(n) < 0.6 for _ in range(4))
    ef = rng.random(n) < 0.5
    before = rng.integers(3, 9, n)
    drop = 1 + 1.5 * a + 0.0 * b + 0.8 * c - 0.5 * d + 1.0 * ef + 0.3 * (before - 5)
    after = np.clip(np.round(before - drop - rng.normal(0, 0.7, n)), 0, 10).astype(int)
    points = [
        tuple(code for code, on in zip("ABCDEFZ", flags, strict=True) if on)
        for flags in zip(a, b, c, d, ef, ef, np.ones(n, bool), strict=True)
    ]
    start = pd.Timestamp("2026-01-01T09:00:00+01:00")
    rows = [
        ((start + pd.Timedelta(hours=12 * i)).isoformat(), "custom", "real", p, int(bb), int(aa))
        for i, (p, bb, aa) in enumerate(zip(points, before, after, strict=True))
    ]
    return sessions_frame(rows)


def test_points_ranking_recovers_planted_effects():
    ranking = an.rank_points(_planted()).set_index("point")
    for code, true in {"A": 1.5, "B": 0.0, "C": 0.8, "D": -0.5}.items():
        row = ranking.loc[code]
        assert row["ci_level"] == 1 - 0.05 / 4
        assert row["ci_low"] <= true <= row["ci_high"], (code, row)
    assert list(ranking.index[:2]) == ["A", "C"]  # more relief first, the largest first
    assert ranking["more_relief"].tolist()[:3] == [True, True, False]
    for code in ("E", "F"):
        assert "always pressed together" in ranking.loc[code, "reason"]
        assert np.isnan(ranking.loc[code, "estimate"])
    assert ranking.loc["Z", "reason"] == "pressed in every session of the custom routine"
    assert ranking.loc["A", "sessions_with"] + ranking.loc["A", "sessions_without"] == 240


def test_points_ranking_with_too_few_sessions():
    rows = [
        ("2026-06-01T09:00:00+02:00", "custom", "real", ("BL23",), 6, 3),
        ("2026-06-02T09:00:00+02:00", "custom", "real", ("GB30",), 6, 4),
    ]
    ranking = an.rank_points(sessions_frame(rows))
    assert not ranking["more_relief"].any()
    assert ranking["estimate"].isna().all()


def test_compare_routines_describes_without_ranking():
    rows = [
        (f"2026-06-{i + 1:02d}T09:00:00+02:00", "back", "real", ("BL23",), b, a)
        for i, (b, a) in enumerate([(6, 3), (5, 5), (7, 4), (4, 3), (8, 5), (6, 6)])
    ] + [
        (f"2026-06-{i + 11:02d}T09:00:00+02:00", "a-sham", "sham", ("SH-LB",), b, a)
        for i, (b, a) in enumerate([(5, 5), (6, 5), (5, 5), (7, 7)])
    ]
    table = an.compare_routines(sessions_frame(rows))
    assert list(table["routine"]) == ["a-sham", "back"]  # by name, not by drop
    assert not any(word in c for c in table.columns for word in ("p_", "holm", "flag", "rank"))
    back = table.set_index("routine").loc["back"]
    drops = np.array([3, 0, 3, 1, 3, 0])
    assert back["sessions"] == 6 and back["mean_drop"] == pytest.approx(10 / 6)
    assert back["median_drop"] == 2 and "meaningful_share" not in table.columns
    assert back["mean_before"] == 6 and back["mean_after"] == pytest.approx(26 / 6)
    assert (back["ci_low"], back["ci_high"]) == pytest.approx(mean_drop_interval(drops))


def test_compare_routines_adjusts_for_starting_pain_by_hand():
    rows = [
        ("2026-06-01T09:00:00+02:00", "r1", "real", ("BL23",), 4, 3),  # drop 1
        ("2026-06-02T09:00:00+02:00", "r1", "real", ("BL23",), 6, 3),  # drop 3
        ("2026-06-03T09:00:00+02:00", "r2", "real", ("PC6",), 6, 4),  # drop 2
        ("2026-06-04T09:00:00+02:00", "r2", "real", ("PC6",), 8, 4),  # drop 4
    ]
    table = an.compare_routines(sessions_frame(rows)).set_index("routine")
    # Within each routine the drop rises 1 point per point of starting pain; the common
    # starting pain is 6: r1 (mean 5, drop 2) → 3; r2 (mean 7, drop 3) → 2.
    assert table.attrs["common_before"] == 6
    assert table["mean_drop"].tolist() == [2, 3]
    assert table["adjusted_drop"].tolist() == pytest.approx([3, 2])


def test_compare_routines_interval_is_nan_when_drops_never_vary():
    rows = [(f"2026-06-0{i + 1}T09:00:00+02:00", "back", "real", ("BL23",), 6, 5) for i in range(3)]
    row = an.compare_routines(sessions_frame(rows)).iloc[0]
    assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])


def _whiskers(ax):
    return [line.get_xydata() for line in ax.lines if line.get_gid() == "ci"]


def _rows_top_down(table):
    """Each table row's y position: the first row on top."""
    return {i: len(table) - 1 - i for i in range(len(table))}


def test_routine_forest_whiskers_are_the_table_intervals():
    sessions = at.sample_journal().sessions()
    table = an.compare_routines(sessions)
    ax = plt.subplots()[1]
    assert plots.plot_routine_forest(table, ax=ax) is ax
    expected = [
        [[row.ci_low, y], [row.ci_high, y]]
        for (i, row), y in zip(table.iterrows(), _rows_top_down(table).values(), strict=True)
    ]
    assert sorted(map(np.ndarray.tolist, _whiskers(ax))) == sorted(expected)
    squares = [line.get_xdata()[0] for line in ax.lines if line.get_gid() == "mean"]
    assert squares == pytest.approx(list(table["mean_drop"][::-1]))
    adjusted = [line.get_xdata()[0] for line in ax.lines if line.get_gid() == "adjusted"]
    assert adjusted == pytest.approx(list(table["adjusted_drop"][::-1]))
    assert not any(list(line.get_xdata()) == [2, 2] for line in ax.lines)  # no 2-point line
    labels = [t.get_text().split(" (")[0] for t in ax.get_yticklabels()]
    assert labels[::-1] == list(table["routine"])


def test_before_after_gives_each_routine_its_colour():
    sessions = at.sample_journal().sessions()
    ax = plt.subplots()[1]
    assert plots.plot_before_after(sessions, ax=ax) is ax
    means = {line.get_label().split(",")[0]: line for line in ax.lines if line.get_gid()}
    groups = sessions.groupby(["routine", "condition"], observed=True)
    assert len(means) == groups.ngroups
    assert len(ax.lines) == len(sessions) + groups.ngroups
    assert len({line.get_color() for line in means.values()}) == groups.ngroups
    assert means["back (real)"].get_linestyle() == "-"
    assert means["back-sham (sham)"].get_linestyle() == "--"
    real_back = sessions[sessions["routine"] == "back"]
    assert means["back (real)"].get_ydata() == pytest.approx(
        [real_back["pain_before"].mean(), real_back["pain_after"].mean()]
    )


@pytest.fixture
def ranking():
    """GB30 went with more relief, BL52 judged but not, BL23 pressed in every session."""
    rows = _diary(n=30, left_out=range(0, 30, 3))
    rows = [
        (t, r, c, (*pts, "BL52") if i % 3 != 1 or i >= 27 else pts, b, a)
        for i, (t, r, c, pts, b, a) in enumerate(rows)
    ]
    table = an.rank_points(sessions_frame(rows))
    assert table.set_index("point")["reason"].str.split(" ").str[0].to_dict() == {
        "GB30": "went",
        "BL52": "its",
        "BL23": "pressed",
    }
    return table


def test_point_forest_whiskers_colours_and_reasons(ranking):
    ax = plt.subplots()[1]
    assert plots.plot_point_forest(ranking, ax=ax) is ax
    judged = ranking[ranking["estimate"].notna()]
    y = _rows_top_down(ranking)
    expected = [[[r.ci_low, y[i]], [r.ci_high, y[i]]] for i, r in judged.iterrows()]
    assert sorted(map(np.ndarray.tolist, _whiskers(ax))) == sorted(expected)
    colours = {line.get_xydata()[0, 1]: line.get_color() for line in ax.lines if line.get_gid()}
    for i, row in judged.iterrows():
        assert colours[y[i]] == (REAL if row["more_relief"] else GREY)
    # Wrapped to stay on the figure: the same words.
    reasons = [t.get_text().replace("\n", " ") for t in ax.texts if t.get_gid() == "reason"]
    assert sorted(reasons) == sorted(ranking.loc[~ranking["more_relief"], "reason"])


def test_body_map_colours_only_points_with_more_relief(ranking):
    ax = plt.subplots()[1]
    assert plots.plot_body_map(ranking, ax=ax) is ax
    faces = {
        c.get_gid()[len("point-") :]: c.get_facecolor()
        for c in ax.collections
        if (c.get_gid() or "").startswith("point-")
    }
    relief = set(ranking.loc[ranking["more_relief"], "point"])
    pressed = set(ranking["point"])
    assert relief == {"GB30"}
    for code, face in faces.items():
        if code in relief:
            assert tuple(face[0]) == to_rgba(REAL)
        elif code in pressed:
            assert tuple(face[0]) == to_rgba(GREY)
        else:
            assert face.size == 0  # never pressed: hollow
    # The acupoints; sham spots are no points to find.
    assert set(faces) == {code for code, p in at.POINTS.items() if p.map and not p.sham}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["went with more relief", "pressed: no effect shown", "never pressed"]


class _Table(HTMLParser):
    """The headers and the body rows' cell texts of one table of a page, by its class."""

    def __init__(self, name):
        super().__init__()
        self.name, self.headers, self.rows = name, [], []
        self._inside, self._cell = False, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._inside = dict(attrs).get("class") == self.name
        elif self._inside and tag == "tr":
            self.rows.append([])
        elif self._inside and tag in ("th", "td"):
            self._cell = self.headers if tag == "th" else self.rows[-1]
            self._cell.append("")

    def handle_endtag(self, tag):
        if tag == "table":
            self._inside = False
        if tag in ("th", "td"):
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[-1] += data


@pytest.mark.slow
def test_the_reports_points_table_shows_each_points_interval(ranking):
    tables = replace(report.report_tables(at.sample_journal()), points=ranking)
    table = _Table("points")
    table.feed(report.render_html(tables, all_points=True))
    column = table.headers.index("interval")
    shown = {row[0]: row[column] for row in table.rows if row}
    for row in ranking.itertuples():
        judged = np.isfinite(row.ci_low)
        assert shown[row.point] == (fmt_ci((row.ci_low, row.ci_high)) if judged else "—")
    assert sum(np.isfinite(ranking["ci_low"])) == 2  # GB30 and BL52


def test_points_of_a_filtered_table_are_ranked_as_of_a_fresh_one():
    sessions = at.sample_journal().sessions()
    back = sessions[sessions["routine"] == "back"]
    assert not back.index.equals(pd.RangeIndex(len(back)))  # it kept its old row labels
    pd.testing.assert_frame_equal(
        at.analysis.rank_points(back), at.analysis.rank_points(back.reset_index(drop=True))
    )
