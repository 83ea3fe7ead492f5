from __future__ import annotations

import pandas as pd
import pytest

import acutrack as at
from acutrack.plan import plan_slots
from acutrack.sample import DEFAULT_SEED, SAMPLE_DIR, write_sample

FILES = (
    "sessions.csv",
    "ratings.csv",
    "plan.csv",
    "journal.json",
    "peg.csv",
    "pgic.csv",
    "medications.csv",
    "screens.csv",
)


def test_the_committed_sample_holds_every_file_the_generator_writes(tmp_path):
    write_sample(tmp_path / "fresh")
    written = {p.name for p in (tmp_path / "fresh").iterdir() if not p.name.startswith(".")}
    assert written == set(FILES)


def test_committed_sample_is_exactly_what_the_generator_writes(tmp_path):
    write_sample(tmp_path / "fresh")
    for name in FILES:
        assert (tmp_path / "fresh" / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), name


@pytest.mark.slow
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


def _real_vs_sham(journal):
    return at.stats.real_vs_sham(journal.sessions(), plan=plan_slots(journal), routine="back")


def test_real_advantage_is_planted_and_can_be_removed(tmp_path):
    planted = _real_vs_sham(at.sample_journal())
    assert planted.n_real == planted.n_sham == 20  # ten weekly blocks of two and two
    assert planted.ci[0] > 0
    null = _real_vs_sham(write_sample(tmp_path / "null", seed=DEFAULT_SEED, real_advantage=0))
    assert null.ci[0] < 0 < null.ci[1]
    assert abs(null.estimate) < planted.estimate


def test_the_trial_follows_a_stored_randomised_plan():
    slots = plan_slots(at.sample_journal())
    assert len(slots) == 40 and all(s.session_id for s in slots)
    for block in {s.block for s in slots}:
        conditions = sorted(s.condition for s in slots if s.block == block)
        assert conditions == ["real", "real", "sham", "sham"]


def test_generator_refuses_to_mix_into_an_existing_journal(tmp_path):
    at.Journal(tmp_path).log_rating(3)
    with pytest.raises(FileExistsError):
        write_sample(tmp_path)


def test_sample_has_the_outcome_measures_a_clinician_reads():
    journal = at.sample_journal()
    peg, pgic, meds, screens = (
        journal.peg(),
        journal.pgic(),
        journal.medications(),
        journal.screens(),
    )
    # Weekly PEG: a baseline, then one a week; its score falls as the pain does.
    gaps = peg["answered_at"].diff().dropna().dt.days
    assert len(peg) >= 16 and gaps.max() <= 7
    assert peg["score"].iloc[:3].mean() > peg["score"].iloc[-3:].mean()
    assert list(pgic["change"]) == sorted(pgic["change"]) and len(pgic) >= 3
    assert set(meds["name"]) == {"ibuprofen"} and set(meds["use"]) == {"as-needed"}
    assert 5 <= len(meds) <= 30
    # The first-use screen, on the first day, all "no".
    first = screens.iloc[0]
    assert first["local_time"].date() == journal.sessions()["local_time"].min().date()
    assert (screens.drop(columns=["id", "answered_at", "local_time", "notes"]) == "no").all().all()
