"""The student's side: joining a class folder, and the record each check() adds to it (ids, verdicts, mistakes)."""

import json
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest

import grader
from grader.classroom.read import parse
from grader.classroom.record import CLASS_ENV, NAME_ENV, Membership, membership, report, student_id
from grader.paths import GraderError

T0 = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
MODULE = "90_fixture_sql"


def buyer_share(db) -> float:
    """The share of active users who purchased, computed here independently of the fixture solution."""
    active = db.sql("SELECT DISTINCT user_id FROM events WHERE event_name <> 'push_received'").df()
    buyers = db.sql("SELECT DISTINCT user_id FROM events WHERE event_name = 'purchase'").df()
    return buyers["user_id"].isin(active["user_id"]).sum() / len(active)


def test_a_student_reports_nowhere_until_they_join_or_the_environment_names_a_class(sandbox, folder, monkeypatch):
    monkeypatch.delenv(CLASS_ENV, raising=False)
    assert membership() is None
    assert report("01_active_users", "dau_on_date", True, None) is None
    monkeypatch.setenv(CLASS_ENV, str(folder))
    monkeypatch.setenv(NAME_ENV, "carol")
    assert membership() == Membership(folder, "carol")


def test_join_is_remembered_for_every_later_notebook_and_leave_forgets_it(sandbox, folder, monkeypatch, capsys):
    monkeypatch.delenv(CLASS_ENV, raising=False)
    grader.join(folder, name="alice")
    assert "as 'alice'" in capsys.readouterr().out
    assert membership() == Membership(folder.resolve(), "alice")
    grader.leave()
    assert membership() is None


@pytest.mark.parametrize("name", ["../bob", "al ice", ".hidden", "", "a" * 65, "bob.json/x"])
def test_a_name_that_is_not_a_safe_file_name_is_refused_with_the_fix(sandbox, folder, name):
    with pytest.raises(GraderError, match="cannot be a class name"):
        grader.join(folder, name=name) if name else student_id("../" + name)


def test_joining_a_folder_that_does_not_exist_says_who_creates_it(sandbox, tmp_path):
    with pytest.raises(GraderError, match="does not exist.*--init"):
        grader.join(tmp_path / "nowhere", name="alice")


def test_a_record_counts_attempts_passes_and_named_mistakes_and_when_the_student_last_passed(folder):
    me = Membership(folder, "alice")
    report("01_active_users", "dau_on_date", False, "Counts push_received.", now=T0, member=me)
    report("01_active_users", "dau_on_date", False, "Counts push_received.", now=T0 + timedelta(minutes=1), member=me)
    report("01_active_users", "dau_on_date", True, None, now=T0 + timedelta(minutes=2), member=me)
    report("01_active_users", "wau_mau", False, None, now=T0 + timedelta(minutes=9), member=me)
    path = folder / "alice.json"
    record = parse(path.read_bytes(), "alice")
    assert record.questions == {("01_active_users", "dau_on_date"): (3, True, {"Counts push_received.": 2}),
                                ("01_active_users", "wau_mau"): (1, False, {})}
    minutes = timedelta(minutes=1)
    assert (record.since, record.last_pass, record.updated) == (T0, T0 + 2 * minutes, T0 + 9 * minutes)
    assert (record.fails_since_pass, record.stuck_on) == (1, ("01_active_users", "wau_mau"))
    assert set(json.loads(path.read_text())) == {"format", "student", "since", "updated", "last_pass",
                                                 "fails_since_pass", "stuck_on", "modules"}, "nothing else leaves"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640, "the group (instructor) reads it, other students do not"
    assert [p.name for p in folder.iterdir()] == ["alice.json"], "no temporary file is left behind"


def test_a_misspelt_question_id_is_not_reported(folder):
    assert report("01_active_users", "dau on date", False, None, member=Membership(folder, "alice")) is None
    assert not list(folder.iterdir())


def test_a_damaged_record_of_ones_own_starts_afresh(folder):
    (folder / "alice.json").write_text("{not json")
    report("01_active_users", "dau_on_date", True, None, now=T0, member=Membership(folder, "alice"))
    assert parse((folder / "alice.json").read_bytes(), "alice").questions[("01_active_users", "dau_on_date")][0] == 1


def test_check_reports_its_verdict_and_named_mistake_to_the_joined_class(sandbox, folder, tiny_dataset, fixture_keys,
                                                                        monkeypatch, capsys):
    monkeypatch.setenv(CLASS_ENV, str(folder))
    monkeypatch.setenv(NAME_ENV, "dana")
    db, check = grader.start(MODULE, dataset=tiny_dataset)
    named = check("buyer_share", 0)  # integer division: a registered mistake
    assert named.mistake and not named.passed
    check("buyer_share", 0, practice=True)  # a demonstration is not an attempt
    check("why_not_push", "zzz")  # not an option: unusable, so not an attempt (as in the progress file)
    assert not check("buyer_share", 0.5).mistake  # wrong, no mistake named
    record = parse((folder / "dana.json").read_bytes(), "dana")
    assert record.questions == {(MODULE, "buyer_share"): (2, False, {named.mistake: 1})}
    assert record.fails_since_pass == 2 and record.last_pass is None
    assert check("buyer_share", buyer_share(db)).passed
    record = parse((folder / "dana.json").read_bytes(), "dana")
    assert record.questions[(MODULE, "buyer_share")][:2] == (3, True) and record.fails_since_pass == 0


def test_check_still_answers_when_the_class_folder_is_gone_and_says_so_once(sandbox, tmp_path, tiny_dataset,
                                                                           fixture_keys, monkeypatch, capsys):
    monkeypatch.setenv(CLASS_ENV, str(tmp_path / "removed"))
    _, check = grader.start(MODULE, dataset=tiny_dataset)
    capsys.readouterr()
    assert not check("buyer_share", 0).passed
    assert not check("buyer_share", 0).passed
    err = capsys.readouterr().err
    assert err.count("Class folder not updated") == 1 and "Traceback" not in err


def test_a_fifo_or_link_planted_under_ones_name_neither_blocks_nor_is_followed(folder, tmp_path):
    os.mkfifo(folder / "alice.json")
    secret = tmp_path / "secret.json"
    secret.write_text("private")
    (folder / "bob.json").symlink_to(secret)
    for name in ("alice", "bob"):  # replacing the planted file is the folder's business (sticky: refused there)
        report("01_active_users", "dau_on_date", True, None, now=T0, member=Membership(folder, name))
        assert parse((folder / f"{name}.json").read_bytes(), name).questions[("01_active_users", "dau_on_date")][0] == 1
    assert secret.read_text() == "private"
