from __future__ import annotations

import pytest

import acutrack as at
from acutrack.catalog import CAUTIONS, POINTS, ROUTINES


def test_every_routine_presses_known_points():
    for routine in ROUTINES.values():
        for code in routine.points:
            assert code in POINTS, (routine.key, code)
        assert len(set(routine.points)) == len(routine.points)


def test_article_points_are_all_there():
    for code in ("BL23", "BL52", "GB30", "CV4", "BL57", "BL40", "PC6", "Yintang", "CV17"):
        point = POINTS[code]
        assert point.location and point.how and not point.sham


def test_sham_routines_press_only_sham_spots_with_the_same_timing():
    for key in ("back", "stress"):
        real, sham = ROUTINES[key], ROUTINES[f"{key}-sham"]
        assert (real.twin, sham.twin) == (sham.key, real.key)
        assert (real.condition, sham.condition) == ("real", "sham")
        assert all(not POINTS[c].sham for c in real.points)
        assert all(POINTS[c].sham for c in sham.points)
        assert len(sham.points) == len(real.points)
        assert (sham.seconds_per_point, sham.rounds) == (real.seconds_per_point, real.rounds)
        assert sham.default_minutes == real.default_minutes


def test_timings_follow_the_article():
    back, stress = ROUTINES["back"], ROUTINES["stress"]
    assert back.points == ("BL23", "BL52", "GB30", "CV4", "BL57")
    assert back.seconds_per_point == 5 and back.rounds > 1  # five seconds, in rounds
    assert stress.points == ("PC6", "Yintang", "CV17")
    assert stress.seconds_per_point == 180  # three minutes each
    assert stress.default_minutes == 9
    assert ROUTINES["custom"].points == () and ROUTINES["custom"].default_minutes is None


def test_cautions_cover_the_spine_and_medical_advice():
    text = " ".join(CAUTIONS).lower()
    assert "spine" in text and "not medical advice" in text and "break" in text


def test_unknown_routine_and_point_name_the_field():
    catalog = at.Catalog()
    with pytest.raises(at.InvalidValue, match="routine"):
        catalog.routine("yoga")
    with pytest.raises(at.InvalidValue, match="points"):
        catalog.point_code("XX1")
    assert catalog.point_code("yintang") == "Yintang"


def test_user_points_and_routines(journal):
    with pytest.raises(at.InvalidValue, match="points"):
        journal.add_routine("evening", ["BL23", "KI3"])  # KI3 is not declared yet
    journal.add_point("KI3", "Taixi", location="inside of the ankle", how="gentle thumb")
    routine = journal.add_routine("evening", "BL23 KI3", seconds_per_point=30, rounds=2)
    assert routine.default_minutes == 2
    assert journal.catalog.routines["evening"].points == ("BL23", "KI3")
    s = journal.log_session(5, 3, routine="evening", condition="sham")
    assert (s.points, s.duration_min, s.condition) == (("BL23", "KI3"), 2, "sham")
    assert journal.sessions()["routine"].tolist() == ["evening"]
    # Redefining keeps one routine (the latest), and the history in the file.
    journal.add_routine("evening", ["KI3"], seconds_per_point=60)
    assert journal.catalog.routines["evening"].points == ("KI3",)
    assert journal.problems().empty


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda j: j.add_routine("back", ["BL23"]), "key"),
        (lambda j: j.add_routine("My Routine", ["BL23"]), "key"),
        (lambda j: j.add_routine("mine", ["BL23"], seconds_per_point=0), "seconds_per_point"),
        (lambda j: j.add_routine("mine", ["BL23"], rounds=0), "rounds"),
        (lambda j: j.add_routine("mine", ["BL23"], condition="maybe"), "condition"),
        (lambda j: j.add_point("BL23", "again"), "code"),
        (lambda j: j.add_point("3X", "digit first"), "code"),
    ],
)
def test_bad_user_definitions_are_refused(journal, call, field):
    with pytest.raises(at.InvalidValue) as info:
        call(journal)
    assert info.value.field == field


def test_a_hand_edited_routine_that_shadows_a_built_in_is_reported(journal):
    journal.path.mkdir()
    (journal.path / "routines.csv").write_text(
        "key,title,points,seconds_per_point,rounds,condition\n"
        "back,mine,BL23,5,1,\n"
        "fine,ok,GB30,5,1,\n"
        "broken,bad,ZZ9,5,1,\n"
    )
    problems = journal.problems()
    assert problems[["line", "field"]].values.tolist() == [[2, "key"], [4, "points"]]
    assert journal.catalog.routines["back"] == ROUTINES["back"]
    assert "fine" in journal.catalog.routines


def test_a_sham_routine_tests_its_real_twin_and_a_real_one_itself():
    from acutrack.catalog import Catalog

    catalog = Catalog()
    assert (
        catalog.tested("back-sham").key == "back" and catalog.tested("Stress-Sham").key == "stress"
    )
    assert catalog.tested("back").key == "back" and catalog.tested("custom").key == "custom"
