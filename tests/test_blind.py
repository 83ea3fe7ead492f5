"""A blind plan: real and sham shown as set A and set B, pressed alike, until the plan ends;
guesses of which set is real stored and described at the end. The strongest check: two
journals that differ only in which set is real give the same output, byte for byte, from
every command and from notebooks 02-04 while the plan runs."""

from __future__ import annotations

import csv
import re
import shutil
from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import subprocess_env
from test_cli import run as run_cli
from test_plan_calendar import MADE, _fortnight, run

import acutrack as at
from acutrack import plan
from acutrack.stats.blinding import guesses

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SWAP = {"back": "back-sham", "back-sham": "back", "real": "sham", "sham": "real"}


def _blind_plan(journal):
    """A blind fortnight: four sessions a week from Mon 30 Nov, due at 19:00 UTC."""
    return _fortnight(journal, blind=True)


def _follow(path, slots, count, guesses_given=("a", "b", "unsure", None)):
    """Do the first ``count`` slots on their days, a pain drop that depends only on the
    slot's place (never on real or sham), each with a guess in turn."""
    for i, slot in enumerate(slots[:count]):
        when = slot.due + timedelta(minutes=5)
        journal = at.Journal(path, clock=lambda when=when: when)
        plan.start_planned(journal, 5 + i % 3)
        guess = guesses_given[i % len(guesses_given)]
        plan.log_planned(journal, None, 2 + i % 2, started=True, guess=guess)


def _swapped(path, into):
    """A copy of the journal at ``path`` in which the other set is the real one: every
    planned session's routine, condition and points turned into the other arm's."""
    shutil.copytree(path, into)
    catalog = at.Journal(path).catalog
    planned = {s.session_id for s in plan.plan_slots(at.Journal(path))}
    for name in ("plan.csv", "sessions.csv"):
        if not (into / name).exists():
            continue
        with open(into / name, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            if name == "sessions.csv" and row["id"] not in planned:
                continue
            row["condition"] = SWAP[row["condition"]]
            row["routine"] = SWAP[row["routine"]]
            if name == "sessions.csv":
                row["points"] = ";".join(catalog.routine(row["routine"]).points)
        with open(into / name, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return into


@pytest.fixture
def twins(tmp_path):
    """Two journals with a blind plan half done, alike but for which set is real."""
    path = tmp_path / "one"
    journal = at.Journal(path, clock=lambda: MADE)
    journal.log_rating(pain=5, rated_at=MADE - timedelta(days=1))
    journal.log_session(pain_before=6, pain_after=4, started_at=MADE - timedelta(hours=2))
    slots = _blind_plan(journal)
    _follow(path, slots, 4)
    return path, _swapped(path, tmp_path / "two"), slots


NOW = "2026-12-06T09:00:00+00:00"
COMMANDS = [
    ("show",),
    ("plan",),
    ("next",),
    ("validate",),
    ("rate", "3", "--after-last"),
    ("export", "--csv", "{out}/csv", "--fhir", "{out}/bundle.json", "--notes"),
    ("report", "--out", "{out}/report.html", "--notes", "--all-points"),
]


def _said(path, *args, tmp):
    """What a command said and wrote (every file under its own folder), paths hidden."""
    out = tmp / f"{path.name}-{args[0]}"
    out.mkdir()
    done = run_cli(
        *[a.format(out=out) for a in args],
        journal=path,
        env=subprocess_env(ACUTRACK_TEST_NOW=NOW),
    )
    assert done.returncode == 0, done.stderr
    written = [f"{f.name}:\n{f.read_text()}" for f in sorted(out.rglob("*")) if f.is_file()]
    said = "\n".join([done.stdout, done.stderr, *written])
    # The FHIR patient's id comes from the journal's folder, and a new check-in's id is
    # drawn at random: the differences allowed.
    said = UUID.sub("UUID", re.sub(r"\br-[0-9a-f]{10}", "ID", said))
    return said.replace(str(path), "J").replace(str(out), "OUT")


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_no_command_tells_which_set_is_real_while_the_plan_runs(twins, args, tmp_path):
    one, two, _ = twins
    said = _said(one, *args, tmp=tmp_path)
    assert said == _said(two, *args, tmp=tmp_path)
    assert re.search(r"\bset [AB]\b|blind", said) or args[0] in ("next", "validate")


def _run_in_one_kernel(path, journals, cwd):
    """The notebook at ``path`` run once for each journal, one after the other in one
    kernel (its imports are paid once): the executed notebooks."""
    import nbformat
    from nbclient import NotebookClient

    done = []
    client = NotebookClient(
        nbformat.v4.new_notebook(),
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    )
    with client.setup_kernel():
        for journal in journals:
            nb = nbformat.read(path, as_version=4)
            choose = f"import os; os.environ['ACUTRACK_HOME'] = {str(journal)!r}"
            nb.cells.insert(0, nbformat.v4.new_code_cell(choose))
            client.nb = nb
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            nb.cells.pop(0)
            done.append(nb)
    return done


@pytest.mark.notebook
@pytest.mark.parametrize("name", ["02_weekly_trends", "03_routines_and_points", "04_real_vs_sham"])
def test_no_notebook_tells_which_set_is_real_while_the_plan_runs(twins, name, tmp_path):
    from test_notebooks import ROOT, assert_clean, outputs

    shown = []
    runs = _run_in_one_kernel(ROOT / "notebooks" / f"{name}.ipynb", twins[:2], tmp_path)
    for path, nb in zip(twins[:2], runs, strict=True):
        assert_clean(nb)
        said = []
        for out in outputs(nb):  # a print may come in one stream output or several
            if out.output_type == "stream" and said and isinstance(said[-1], str):
                said[-1] += out.text
            else:
                said.append(out.text if out.output_type == "stream" else dict(out.data))
        # A widget's model id is drawn at random each run: it names the widget, not the data.
        said = re.sub(r"'model_id': '[0-9a-f]{32}'", "'model_id': ''", str(said))
        shown.append(said.replace(str(path), "J"))
    assert shown[0] == shown[1]
    # Notebook 04's plan table names the sets of the sessions done; 02 and 03 leave them out.
    assert ("set A" in shown[0]) == (name == "04_real_vs_sham")


def _stamp(when):
    return when.isoformat()


def test_a_blind_fortnight_keeps_its_secret_until_the_end_then_describes_the_guesses(tmp_path):
    path = tmp_path / "j"
    made = run(
        "plan", "--new", "--blind", "--weeks", "2", "--start", "2026-11-30", "--seed", "3",
        "--anyway", journal=path, now=_stamp(MADE),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "blind: shown as set A and set B" in made.stdout
    slots = plan.plan_slots(at.Journal(path))
    real_set = next(s.blind_set for s in slots if s.condition == "real")
    answers = ["a", "b", "unsure", "a", "a", "b", "a", "unsure"]
    for i, (slot, guess) in enumerate(zip(slots, answers, strict=True)):
        when = _stamp(slot.due + timedelta(minutes=5))
        started = run("next", "--start", "--before", "6", journal=path, now=when)
        assert started.returncode == 0, started.stderr
        assert (
            f"Now set {slot.blind_set.upper()}: press 5 spots firmly but gently" in started.stdout
        )
        logged = run("log", "--planned", "--after", "4", "--guess", guess, journal=path, now=when)
        assert logged.returncode == 0, logged.stderr
        last = i == len(slots) - 1
        for said in (started.stdout, logged.stdout):
            assert ("sham" in said) == (last and said is logged.stdout), said
        assert (f"set {real_set.upper()} was real" in logged.stdout) == last
    after = run("plan", journal=path, now=_stamp(slots[-1].due + timedelta(hours=1)))
    assert f"{slots[0].routine}  {slots[0].condition}" in after.stdout  # the truth, at last
    ended = plan.plan_slots(at.Journal(path))
    said = guesses(ended)
    # Worked by hand from the answers: right when the guess names the real set.
    right = [g == real_set for g in answers]
    wrong = [g not in (real_set, "unsure") for g in answers]
    assert (said.right, said.wrong, said.unsure) == (sum(right), sum(wrong), 2)
    assert (said.early_right, said.late_right) == (sum(right[:4]), sum(right[4:]))
    for condition, bang in (("real", said.bang_real), ("sham", said.bang_sham)):
        mine = [i for i, s in enumerate(ended) if s.condition == condition]
        expected = (sum(right[i] for i in mine) - sum(wrong[i] for i in mine)) / len(mine)
        assert bang == pytest.approx(expected)
    result = at.stats.real_vs_sham(
        at.Journal(path).sessions(), plan=ended, routine="back", today=ended[-1].due
    )
    assert said.summary() in result.summary()
    assert "Sham acupressure is not blind" not in result.summary()
    assert "they do not test the blinding" in result.summary()


def test_while_blind_no_verdict_and_no_guess_is_shown(twins):
    one = twins[0]
    journal = at.Journal(one)
    result = at.stats.real_vs_sham(
        journal.sessions(), plan=plan.plan_slots(journal), routine="back", today=MADE
    )
    assert (result.verdict, result.plan_state, result.n) == ("too early", "blind", 0)
    assert "blind and still running" in result.summary()
    assert guesses(plan.plan_slots(journal)) is None
    compared, _, _ = at.stats.compared_sessions(journal.sessions(), plan=plan.plan_slots(journal))
    assert compared.empty


def test_unblinding_is_recorded_shows_the_truth_and_the_verdict_says_so(twins):
    one, _, slots = twins
    now = "2026-12-06T09:00:00+00:00"
    ended = run("plan", "--unblind", journal=one, now=now)
    assert ended.returncode == 0, ended.stderr
    real = next(s for s in slots if s.condition == "real")
    assert f"Blinding ended: set {real.blind_set.upper()} is real" in ended.stdout
    assert "back-sham  sham" in ended.stdout
    stored = plan.plan_slots(at.Journal(one))
    result = at.stats.real_vs_sham(at.Journal(one).sessions(), plan=stored, today=MADE)
    assert "Which set was real was shown on 06 Dec 2026" in result.summary()
    again = run("plan", "--unblind", journal=one, now=now)
    assert again.returncode == 0  # once ended, ending again changes nothing
    assert run("plan", "--guess", "a", journal=one, now=now).returncode != 0


def test_a_routine_given_to_a_blind_slot_is_refused_alike_for_either_set(twins):
    said = []
    for path in twins[:2]:
        when = "2026-12-07T19:05:00+00:00"
        assert run("next", "--start", "--before", "6", journal=path, now=when).returncode == 0
        refused = run(
            "log", "--planned", "--after", "3", "--routine", "back", journal=path, now=when
        )
        assert refused.returncode != 0
        said.append(refused.stderr)
    assert said[0] == said[1] and "takes its set from the plan" in said[0]


def test_a_guess_is_stored_with_the_latest_session_and_only_in_a_blind_plan(twins, tmp_path):
    one = twins[0]
    stored = run("plan", "--guess", "B", journal=one, now="2026-12-06T09:00:00+00:00")
    assert stored.returncode == 0, stored.stderr
    assert "set B" in stored.stdout
    latest = plan.plan_slots(at.Journal(one))[3]
    assert (latest.guess, latest.guessed_at) == ("b", datetime.fromisoformat(NOW))
    open_label = tmp_path / "open"
    journal = at.Journal(open_label, clock=lambda: MADE)
    plan.make_plan(journal, weeks=2, start=date(2026, 11, 30), seed=3, tz=UTC, anyway=True)
    assert run("plan", "--guess", "a", journal=open_label, now=NOW).returncode != 0
    off_plan = run("log", "--before", "5", "--after", "3", "--guess", "a", journal=one, now=NOW)
    assert off_plan.returncode != 0 and "--guess goes with --planned" in off_plan.stderr


@pytest.mark.parametrize(
    "settings", [{"leave_out": "GB30"}, {"routines": ["mine"]}], ids=["leave-out", "own-sham"]
)
def test_a_plan_that_cannot_be_blinded_is_refused(tmp_path, settings):
    journal = at.Journal(tmp_path / "j", clock=lambda: MADE)
    journal.add_routine("mine", ["BL23", "GB30", "BL57"], seconds_per_point=10)
    routines = settings.pop("routines", ["back"])
    with pytest.raises(at.InvalidValue, match="blind"):
        plan.make_plan(journal, routines, weeks=2, blind=True, anyway=True, **settings)
    assert not plan.plan_slots(journal)


@pytest.mark.parametrize("routine", ["back", "stress"])
def test_both_sets_are_pressed_alike_and_named_without_a_code(routine, tmp_path):
    from acutrack.plan.blind import set_spots, set_words

    journal = at.Journal(tmp_path / "j", clock=lambda: MADE)
    slots = plan.schedule(journal, [routine], weeks=1, seed=5, blind=True)
    arms = {s.condition: s for s in slots}
    spots = {c: set_spots(journal, s) for c, s in arms.items()}
    assert len(spots["real"]) == len(spots["sham"])
    assert {p.how for p in spots["real"] + spots["sham"]} == {
        "Press firmly but gently, in small circles."
    }
    words = {c: set_words(journal, s) for c, s in arms.items()}
    timing = {c: w.split("(", 1)[1].split(")", 1)[0] for c, w in words.items()}
    assert timing["real"] == timing["sham"]
    codes = set(journal.catalog.points) | {"sham", "Sham", "acupoint"}
    for spot in spots["real"] + spots["sham"]:
        assert not [c for c in codes if c in spot.location], spot.location


def _everything_shown(form) -> str:
    """Every text the form's widgets hold, shown or hidden, session ids left out."""
    import ipywidgets as w

    # Where each spot of the set is (words, and the figure) differs from set to set.
    own = {id(getattr(form, name, None)) for name in ("point", "figure")}
    seen, stack = [], [form.widget]
    while stack:
        widget = stack.pop()
        if id(widget) in own:
            continue
        for name in ("value", "description", "options", "disabled"):
            seen.append(repr(getattr(widget, name, None)))
        seen.append(repr(getattr(widget.layout, "display", None)))
        stack.extend(c for c in getattr(widget, "children", ()) if isinstance(c, w.Widget))
    said = re.sub(r"s-[0-9a-f]{10}| at 0x[0-9a-f]+", "ID", "\n".join(seen))
    return re.sub(r"\(1\) .*?(?=\. Save it when done)", "SPOTS", said)


@pytest.mark.parametrize("kind", ["session", "guided"])
def test_the_forms_show_the_set_take_a_guess_and_never_tell_which_is_real(kind, tmp_path):
    from test_forms import FakeClock

    from acutrack.forms import GuidedSession, SessionForm

    now = [MADE]
    journal = at.Journal(tmp_path / "one", clock=lambda: now[0])
    slots = _blind_plan(journal)
    journals = [journal, at.Journal(_swapped(journal.path, tmp_path / "two"), clock=lambda: now[0])]
    timers = [FakeClock(), FakeClock()]
    forms = [
        SessionForm(j) if kind == "session" else GuidedSession(j, timer=False, clock=t)
        for j, t in zip(journals, timers, strict=True)
    ]
    for i, slot in enumerate(slots[:3]):
        now[0] = slot.due
        letter = slot.blind_set.upper()
        steps = [
            lambda form: form.refresh(),
            lambda form: setattr(form.before, "value", 6),
            lambda form: setattr(form.planned.box, "value", True),
        ]
        if kind == "guided":
            steps.append(lambda form: form.start_button.click())
            steps.append(lambda form: timers[forms.index(form)].advance(400, form))
        steps += [
            lambda form: setattr(form.after, "value", 3),
            lambda form, i=i: setattr(form.planned.guess, "value", ("a", "b", "unsure")[i]),
            lambda form: form.save.click(),
        ]
        for step in steps:
            for form in forms:
                step(form)
            assert _everything_shown(forms[0]) == _everything_shown(forms[1])
            if step is steps[2]:
                assert f"set {letter}: press 5 spots" in forms[0].planned.box.description
                assert forms[0].planned.guess.layout.display == ""
                if kind == "session":
                    assert forms[0].points.layout.display == "none"
            if kind == "guided" and step is steps[3]:
                for form in forms:
                    assert f"{letter}1 · Set {letter}, spot 1" in form.point.value
                    assert not [c for c in form.journal.catalog.points if c in form.point.value]
        assert f"back (set {letter})" in forms[0].feedback.value, forms[0].feedback.value
        assert plan.plan_slots(journal)[i].guess == ("a", "b", "unsure")[i]
    stored = journal.sessions()
    assert list(stored["routine"]) == [s.routine for s in slots[:3]]  # the truth, in the file


@pytest.mark.notebook
def test_notebook_04_and_the_report_describe_the_guesses_once_the_plan_ends(tmp_path, monkeypatch):
    from test_notebooks import ROOT, assert_clean, execute, text_of

    path = tmp_path / "j"
    slots = _blind_plan(at.Journal(path, clock=lambda: MADE))
    _follow(path, slots, len(slots))
    said = guesses(plan.plan_slots(at.Journal(path)))
    assert (said.asked, said.guessed) == (8, 6)  # every fourth session without a guess
    monkeypatch.setenv("ACUTRACK_HOME", str(path))
    nb = execute(ROOT / "notebooks" / "04_real_vs_sham.ipynb", tmp_path)
    assert_clean(nb)
    text = text_of(nb)
    assert said.summary() in text
    assert "Sham is not blind" not in text and "The plan was blind: your guesses" in text
    now = (slots[-1].due + timedelta(days=1)).isoformat()
    out = tmp_path / "report.html"
    assert run("report", "--out", str(out), journal=path, now=now).returncode == 0
    page = out.read_text(encoding="utf-8")
    assert f"The plan was blind: {said.real_set} was real" in page
    assert "they do not test the blinding" in page


def test_the_correction_form_changes_a_blind_session_without_showing_its_set(twins):
    from acutrack.forms import CorrectionForm

    shown = []
    for path in twins[:2]:
        journal = at.Journal(path, clock=lambda: datetime.fromisoformat(NOW))
        form = CorrectionForm(journal)
        planned = plan.plan_slots(journal)[3].session_id
        form.entry.value = planned
        assert form.condition.layout.display == "none"
        form.pain_after.value = 1
        form.save.click()
        assert (
            "back (set B)" in form.feedback.value and "changed: pain after" in form.feedback.value
        )
        shown.append(_everything_shown(form))
        assert journal.find(planned).pain_after == 1
    assert shown[0] == shown[1]


def test_what_is_pressed_cannot_be_corrected_while_blind_and_is_refused_alike(twins):
    said = []
    for path in twins[:2]:
        journal = at.Journal(path, clock=lambda: datetime.fromisoformat(NOW))
        planned = plan.plan_slots(journal)[1].session_id
        for changes in ({"condition": "real"}, {"routine": "back"}, {"points": ["BL23"]}):
            with pytest.raises(at.InvalidValue) as refused:
                journal.correct(planned, **changes)
            said.append(str(refused.value).split(":", 1)[1])
        cli = run("correct", planned, "--condition", "sham", journal=path, now=NOW)
        said.append(cli.stderr)
    assert said[:4] == said[4:] and "keeps what was pressed hidden" in said[0]


def test_a_blind_plan_once_ended_stays_revealed_and_a_redone_slot_asks_its_guess_anew(tmp_path):
    path = tmp_path / "j"
    slots = _blind_plan(at.Journal(path, clock=lambda: MADE))
    _follow(path, slots, len(slots), guesses_given=("a",))
    last = slots[-1]
    later = last.due + timedelta(hours=6)
    journal = at.Journal(path, clock=lambda: later)
    assert journal.blinded_sessions() == {}
    journal.delete(plan.plan_slots(journal)[-1].session_id)
    redone = plan.plan_slots(journal)[-1]
    assert redone.open and redone.guess is None and redone.revealed_at == later
    assert journal.blinded_sessions() == {}  # never hidden again
    shown_after = journal.sessions_and_ratings()[0]
    assert set(shown_after["condition"]) <= {"real", "sham"}


def test_the_charts_and_comparisons_leave_a_running_blind_plan_out_or_show_it_alike(twins):
    from matplotlib.figure import Figure

    from acutrack import analysis, plots

    sessions, ratings = at.Journal(twins[0]).sessions_and_ratings()
    assert set(analysis.compare_routines(sessions)["condition"]) == {"real"}
    ax = Figure().subplots()
    plots.plot_daily_pain(
        analysis.daily_pain(analysis.pain_readings(sessions, ratings)), sessions=sessions, ax=ax
    )
    labels = ax.get_legend_handles_labels()[1]
    assert "4 blind-plan sessions: before → after" in labels
