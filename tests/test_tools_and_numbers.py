"""Small guards: `make mutate` stays runnable, and numbers for people read right."""

from __future__ import annotations

import importlib

from conftest import ROOT


def test_every_mutant_matches_exactly_one_place_in_todays_source(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "tools"))
    mutate = importlib.import_module("mutate")
    lines = mutate.where(ROOT, [mutate.CANARY, *mutate.MUTANTS])  # ValueError when one is stale
    assert len(lines) == len(mutate.MUTANTS) + 1 and all(line > 0 for line in lines.values())


def test_numbers_for_people_have_a_real_minus_and_no_signed_zero():
    from acutrack.stats.results import fmt, fmt_ci

    assert (fmt(-1.25), fmt(-0.04), fmt(0.04), fmt(-0.004, 2)) == ("−1.2", "0.0", "0.0", "0.00")
    assert fmt_ci((-4.83, -0.02)) == "−4.8 to 0.0"
