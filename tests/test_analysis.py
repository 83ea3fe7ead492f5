from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from fixtures import ratings_frame, sessions_frame

from acutrack import analysis as an

NO_SESSIONS = sessions_frame([])


def test_week_follows_local_time_across_an_offset():
    # Both entries fall on Sunday 29 March in UTC, but on different local days.
    sessions = sessions_frame([("2026-03-29T23:30:00+02:00", "back", "real", ("BL23",), 6, 3)])
    ratings = ratings_frame([("2026-03-30T00:30:00+02:00", 4)])
    weekly = an.weekly_trend(sessions, ratings)
    assert weekly["week_start"].tolist() == [pd.Timestamp("2026-03-23"), pd.Timestamp("2026-03-30")]
    assert weekly["iso_week"].tolist() == [13, 14]
    # The session's "before" rating (lowered by the typical 0.3), then the check-in.
    assert weekly["mean"].tolist() == pytest.approx([5.7, 4])
    assert "lowered by 0.3" in weekly.attrs["readings"]
    assert weekly["sessions"].tolist() == [1, 0]


def test_weekly_numbers_gaps_and_rolling_mean():
    ratings = ratings_frame(
        [
            ("2026-06-01T08:00:00+02:00", 4),  # week 1: 4, 6, 8 (+ the session's 6)
            ("2026-06-03T08:00:00+02:00", 8),
            ("2026-06-07T21:00:00+02:00", 6),
            ("2026-06-02T12:00:00+02:00", 1, "s-0000000000"),  # a follow-up: not a reading
            # week 2 (8 June): nothing at all
            ("2026-06-15T08:00:00+02:00", 4),  # week 3: 4
            ("2026-06-22T08:00:00+02:00", 5),  # week 4: 5
        ]
    )
    sessions = sessions_frame(
        [
            ("2026-06-02T10:00:00+02:00", "back", "real", ("BL23",), 6, 2),
            ("2026-06-16T10:00:00+02:00", "stress", "real", ("PC6",), 4, 4),
            ("2026-06-17T10:00:00+02:00", "stress", "real", ("PC6",), 4, 3),
        ]
    )
    weekly = an.weekly_trend(sessions, ratings)
    assert len(weekly) == 4
    first, gap, third, fourth = (weekly.iloc[i] for i in range(4))
    # Check-ins 4, 8, 6 and the session's 6 lowered by 0.3 (too few check-ins alone).
    assert (first["mean"], first["median"], first["min"], first["max"], first["count"]) == (
        pytest.approx((4 + 8 + 6 + 5.7) / 4),
        pytest.approx(5.85),
        4,
        8,
        4,
    )
    assert gap["count"] == 0 and np.isnan(gap["mean"]) and np.isnan(gap["rolling_4w"])
    assert third["sessions_stress"] == 2 and third["sessions"] == 2
    assert np.isnan(first["rolling_4w"])  # needs two weeks with readings
    assert third["mean"] == pytest.approx((4 + 3.7 + 3.7) / 3)
    assert third["rolling_4w"] == pytest.approx((first["mean"] + third["mean"]) / 2)
    assert fourth["rolling_4w"] == pytest.approx((first["mean"] + third["mean"] + 5) / 3)
    assert weekly["sessions_back"].tolist() == [1, 0, 0, 0]


def test_weekly_trend_uses_check_ins_alone_when_there_are_enough():
    days = pd.date_range("2026-06-01 08:00", periods=14, freq="D")
    ratings = ratings_frame([(f"{d:%Y-%m-%dT%H:%M}:00+02:00", 4) for d in days])
    sessions = sessions_frame(
        [(f"{d:%Y-%m-%d}T19:00:00+02:00", "back", "real", ("BL23",), 7, 5) for d in days[:6]]
    )
    weekly = an.weekly_trend(sessions, ratings)
    assert weekly["mean"].tolist() == [4, 4]
    assert weekly.attrs["readings"] == "check-ins only"


def test_the_session_excess_is_the_persons_own_when_measurable():
    days = pd.date_range("2026-06-01", periods=6, freq="7D")  # one check-in a week: too few
    ratings = ratings_frame([(f"{d:%Y-%m-%d}T08:00:00+02:00", 4) for d in days])
    sessions = sessions_frame(
        [(f"{d:%Y-%m-%d}T19:00:00+02:00", "back", "real", ("BL23",), 5, 3) for d in days]
    )
    readings = an.pain_readings(sessions, ratings)
    assert an.session_excess(readings) == (1.0, 6)
    weekly = an.weekly_trend(sessions, ratings)
    assert weekly["mean"].tolist() == [4] * 6
    assert "your 6 days with both" in weekly.attrs["readings"]


def test_daily_pain_has_gaps_not_zeros():
    ratings = ratings_frame([("2026-06-01T08:00:00+02:00", 3), ("2026-06-04T08:00:00+02:00", 9)])
    daily = an.daily_pain(an.pain_readings(NO_SESSIONS, ratings))
    assert len(daily) == 4
    assert daily["count"].tolist() == [1, 0, 0, 1]
    assert np.isnan(daily["mean"].iloc[1]) and daily["max"].iloc[3] == 9


def test_empty_journal_tables():
    empty = ratings_frame([])
    assert an.weekly_trend(NO_SESSIONS, empty).empty
    assert an.pain_alerts(NO_SESSIONS, empty).empty
    assert an.compare_routines(NO_SESSIONS).empty
    assert an.rank_points(NO_SESSIONS).empty
    assert an.episode(NO_SESSIONS, empty).label == "unknown"


@pytest.mark.parametrize(
    ("days", "label"),
    [(0, "acute"), (42, "acute"), (43, "subacute"), (90, "subacute"), (91, "chronic")],
)
def test_episode_labels_follow_the_article(days, label):
    ratings = ratings_frame([("2026-01-01T08:00:00+01:00", 5)])
    ep = an.episode(NO_SESSIONS, ratings, today=date(2026, 1, 1) + pd.Timedelta(days=days))
    assert (ep.start, ep.days, ep.label) == (date(2026, 1, 1), days, label)
    assert label in ep.summary()


def test_pain_alerts_by_hand():
    ratings = ratings_frame(
        [
            ("2026-06-01T08:00:00+02:00", 3),
            ("2026-06-02T08:00:00+02:00", 3),
            ("2026-06-03T08:00:00+02:00", 3),
            # next week: three days averaging 8 or more in a row, a weekly rise of ≥ 2
            ("2026-06-08T08:00:00+02:00", 8),
            ("2026-06-09T08:00:00+02:00", 7),
            ("2026-06-09T20:00:00+02:00", 9),  # the day's mean (8) counts
            ("2026-06-10T08:00:00+02:00", 8),
            # two days at 8 only: no alert
            ("2026-06-20T08:00:00+02:00", 8),
            ("2026-06-21T08:00:00+02:00", 8),
        ]
    )
    alerts = an.pain_alerts(NO_SESSIONS, ratings)
    # Weekly means 3, 8 (a rise of 5); the week of 15 June has 2 check-ins: not compared.
    assert alerts["kind"].tolist() == ["three days at 8 or more", "rising week"]
    run, rising = alerts.iloc[0], alerts.iloc[1]
    assert (run["start"], run["end"]) == (pd.Timestamp("2026-06-08"), pd.Timestamp("2026-06-10"))
    assert (rising["start"], rising["end"]) == (
        pd.Timestamp("2026-06-08"),
        pd.Timestamp("2026-06-14"),
    )
    assert "8.0" in rising["detail"] and "5.0 points" in rising["detail"]
    assert all("clinician" in a for a in alerts["advice"])
    assert alerts.attrs["checkins"] == 9
    assert "Pain alerts: check-in pain averaged 8" in an.pain_alerts_summary(alerts)


def test_pain_alerts_read_check_ins_only():
    days = [f"2026-06-0{d}" for d in (1, 2, 3)]
    # Sessions started at 9 on three days running, check-ins at 7 and follow-ups at 9.
    sessions = sessions_frame(
        [(f"{d}T19:00:00+02:00", "back", "real", ("BL23",), 9, 6) for d in days]
    )
    ids = list(sessions["id"])
    ratings = ratings_frame(
        [(f"{d}T08:00:00+02:00", 7) for d in days]
        + [(f"{d}T21:00:00+02:00", 9, i) for d, i in zip(days, ids, strict=True)]
    )
    alerts = an.pain_alerts(sessions, ratings)
    assert alerts.empty and alerts.attrs["checkins"] == 3
    assert an.pain_alerts_summary(alerts).startswith("No pain alerts")
    nothing = an.pain_alerts(sessions, ratings_frame([]))
    assert "there are none yet" in an.pain_alerts_summary(nothing)


def test_a_day_without_a_check_in_ends_a_run_and_a_rise_needs_three_a_week():
    ratings = ratings_frame(
        [
            ("2026-06-01T08:00:00+02:00", 8),
            ("2026-06-02T08:00:00+02:00", 9),
            # 3 June: nothing logged
            ("2026-06-04T08:00:00+02:00", 9),
            ("2026-06-05T08:00:00+02:00", 9),
            # a week of 2 check-ins at 2, then a week of 3 at 6: not a counted rise
            ("2026-06-08T08:00:00+02:00", 2),
            ("2026-06-09T08:00:00+02:00", 2),
            ("2026-06-15T08:00:00+02:00", 6),
            ("2026-06-16T08:00:00+02:00", 6),
            ("2026-06-17T08:00:00+02:00", 6),
        ]
    )
    assert an.pain_alerts(NO_SESSIONS, ratings).empty


def test_a_rising_week_in_progress_ends_on_the_last_check_in():
    ratings = ratings_frame(
        [(f"2026-06-0{d}T08:00:00+02:00", 2) for d in (1, 2, 3)]
        + [(f"2026-06-{d:02d}T08:00:00+02:00", 6) for d in (8, 9, 10)]
    )
    (rising,) = an.pain_alerts(NO_SESSIONS, ratings).itertuples()
    assert (rising.start, rising.end) == (pd.Timestamp("2026-06-08"), pd.Timestamp("2026-06-10"))


def test_weekly_shortfall_says_how_many_days_there_are():
    ratings = ratings_frame([(f"2026-06-0{d}T08:00:00+02:00", 4) for d in range(1, 6)])
    assert an.weekly_shortfall(NO_SESSIONS, ratings).startswith(
        "2 weeks of check-ins are needed for a weekly trend; you have 5 days."
    )
    assert "Nothing logged yet" in an.weekly_shortfall(NO_SESSIONS, ratings_frame([]))
    two_weeks = ratings_frame([("2026-06-01T08:00:00+02:00", 4), ("2026-06-14T08:00:00+02:00", 4)])
    assert an.weekly_shortfall(NO_SESSIONS, two_weeks) is None


def test_condition_drops_by_hand():
    sessions = sessions_frame(
        [
            ("2026-07-01T19:00:00+02:00", "back", "real", ("BL23",), 6, 3),
            ("2026-07-02T19:00:00+02:00", "back", "real", ("BL23",), 5, 4),
            ("2026-07-03T19:00:00+02:00", "back-sham", "sham", ("SH-LB",), 6, 4),
            ("2026-07-04T19:00:00+02:00", "back-sham", "sham", ("SH-LB",), 0, 0),
            ("2026-07-05T19:00:00+02:00", "stress", "real", ("PC6",), 8, 2),  # another routine
        ]
    )
    ids = list(sessions["id"])
    ratings = ratings_frame([("2026-07-01T21:00:00+02:00", 5, ids[0])])
    table = an.condition_drops(sessions, ratings, routine="back").set_index(["condition", "moment"])
    assert table.loc[("real", "after the session"), "mean_drop"] == 2
    assert table.loc[("sham", "after the session"), "mean_drop"] == 1
    assert table.loc[("real", "at follow-up"), ["n", "mean_drop"]].tolist() == [1, 1]
    assert table.loc[("sham", "at follow-up"), "n"] == 0


def test_follow_ups_of_other_routines_are_not_counted():
    sessions = sessions_frame(
        [
            ("2026-07-01T19:00:00+02:00", "back", "real", ("BL23",), 6, 3),
            ("2026-07-02T19:00:00+02:00", "back-sham", "sham", ("SH-LB",), 6, 4),
            ("2026-07-03T19:00:00+02:00", "stress", "real", ("PC6",), 8, 2),
        ]
    )
    ids = list(sessions["id"])
    ratings = ratings_frame(
        [
            ("2026-07-01T21:00:00+02:00", 5, ids[0]),  # back, real: 1 point still down
            ("2026-07-03T21:00:00+02:00", 2, ids[2]),  # stress: another routine
        ]
    )
    table = an.condition_drops(sessions, ratings, routine="back").set_index(["condition", "moment"])
    assert table.loc[("real", "at follow-up"), ["n", "mean_drop"]].tolist() == [1, 1]
