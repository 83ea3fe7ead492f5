from __future__ import annotations

import pandas as pd
import pytest

import acutrack as at
from acutrack.sample import DEFAULT_SEED, SAMPLE_DIR, write_sample

FILES = ("sessions.csv", "ratings.csv", "journal.json")


def test_committed_sample_is_exactly_what_the_generator_writes(tmp_path):
    write_sample(tmp_path / "fresh")
    for name in FILES:
        assert (tmp_path / "fresh" / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), name


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    write_sample(tmp_path / "a", seed=5)
    write_sample(tmp_path / "b", seed=5)
    write_sample(tmp_path / "c", seed=6)
    for name in FILES[:2]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "c" / name).read_bytes()


def test_sample_journal_is_read_only_and_clean():
    journal = at.sample_journal()
    assert journal.read_only and journal.path == SAMPLE_DIR
    assert journal.problems().empty
    with pytest.raises(at.JournalError, match="read-only"):
        journal.log_rating(3)


def test_sample_tells_a_realistic_story():
    journal = at.sample_journal()
    sessions, ratings = journal.sessions(), journal.ratings()
    days = sessions["local_time"].dt.normalize()
    span = (max(days.max(), ratings["local_time"].max()) - days.min()).days
    assert 105 <= span <= 112  # sixteen weeks
    assert set(sessions["routine"]) == {"back", "back-sham", "stress", "stress-sham"}
    per_day = pd.concat([days, ratings["local_time"].dt.normalize()]).value_counts()
    assert per_day.max() >= 3  # busy days
    all_days = pd.date_range(days.min(), periods=span + 1)
    assert len(set(all_days) - set(per_day.index)) >= 2  # and days with nothing at all
    follow_ups = ratings.dropna(subset=["session_id"])
    assert len(follow_ups) >= 30
    assert set(follow_ups["session_id"]) <= set(sessions["id"])
    by_id = sessions.set_index("id")["started_at"]
    delay = follow_ups["rated_at"] - follow_ups["session_id"].map(by_id)
    assert delay.between(pd.Timedelta(hours=2), pd.Timedelta(hours=4)).all()
    # The randomised phase: every trial week holds two real and two sham back sessions.
    back = sessions[sessions["routine"].str.startswith("back")]
    trial = back[(back["local_time"] >= "2026-06-29") & (back["local_time"] < "2026-09-07")]
    weekly = trial.groupby([trial["local_time"].dt.isocalendar().week, "condition"]).size()
    assert set(weekly.unstack()["real"]) == {2} and set(weekly.unstack()["sham"]) == {2}
    # Slow improvement: the last four weeks hurt less than the first four.
    first = ratings[ratings["local_time"] < "2026-06-29"]["pain"].mean()
    last = ratings[ratings["local_time"] >= "2026-08-24"]["pain"].mean()
    assert first - last > 1


def _mean_drop(journal, condition):
    s = journal.sessions()
    s = s[s["routine"].str.startswith("back") & s["condition"].eq(condition)]
    return (s["pain_before"] - s["pain_after"]).mean()


def test_real_advantage_is_planted_and_can_be_removed(tmp_path):
    sample = at.sample_journal()
    assert _mean_drop(sample, "real") - _mean_drop(sample, "sham") > 0.5
    null = write_sample(tmp_path / "null", seed=DEFAULT_SEED, real_advantage=0)
    assert abs(_mean_drop(null, "real") - _mean_drop(null, "sham")) < 0.5


def test_generator_refuses_to_mix_into_an_existing_journal(tmp_path):
    at.Journal(tmp_path).log_rating(3)
    with pytest.raises(FileExistsError):
        write_sample(tmp_path)
