"""Reading a class folder: every file is untrusted; a bad one is skipped with a one-line note, never a crash."""

import json
import os
from datetime import UTC, datetime

import pytest

from grader.classroom.read import MAX_BYTES, read_folder
from grader.classroom.record import Membership, report

T0 = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)


def good(folder, student="alice"):
    report("01_active_users", "dau_on_date", False, "Counts push_received.", now=T0, member=Membership(folder, student))
    return json.loads((folder / f"{student}.json").read_text())


def variant(base, **changes):
    data = json.loads(json.dumps(base))
    data.update(changes)
    return json.dumps(data)


def hostile(base):
    """(file name, content, what the note must say) for files a student could write."""
    q = base["modules"]["01_active_users"]["dau_on_date"]
    return [
        ("bob.json", b"{not json", "not UTF-8 JSON"),
        ("bob.json", b"\xff\xfe{}", "not UTF-8 JSON"),
        ("bob.json", b"[" * 130_000 + b"]" * 130_000, "larger than"),
        ("bob.json", b"[" * 50_000 + b"]" * 50_000, "not UTF-8 JSON"),  # nesting deep enough to recurse
        ("bob.json", b" " * (MAX_BYTES + 1), "larger than"),
        ("bob.json", b"[]", "not a class record"),
        ("bob.json", variant(base, student="bob", format=2).encode(), "not a class record"),
        ("bob.json", variant(base).encode(), "not its file name"),  # alice's record under bob's name
        ("bob.json", variant(base, student="bob", extra="<b>").encode(), "unexpected fields"),
        ("bob.json", variant(base, student="bob", since="yesterday").encode(), "since is not a time"),
        ("bob.json", variant(base, student="bob", fails_since_pass=-1).encode(), "not a count"),
        ("bob.json", variant(base, student="bob", fails_since_pass=True).encode(), "not a count"),
        ("bob.json", variant(base, student="bob", stuck_on="<script>/x").encode(), "stuck_on is malformed"),
        ("bob.json", variant(base, student="bob", modules={"<img src=x>": {}}).encode(), "module id"),
        ("bob.json", variant(base, student="bob", modules={"m": {"q": {**q, "passed": "yes"}}}).encode(),
         "unexpected fields"),
        ("bob.json", variant(base, student="bob", modules={"m": {"q": {**q, "mistakes": {"x": 1.5}}}}).encode(),
         "not a count"),
        ("bob.json", variant(base, student="bob", modules={"m": {"q": {**q, "mistakes": {
            f"m{i}": 1 for i in range(50)}}}}).encode(), "not a small mapping"),
        ("bob.json", variant(base, student="bob", modules={"m": {"q": {**q, "mistakes": {"x" * 700: 1}}}}).encode(),
         "too long"),
        ("bob.json", variant(base, student="bob", modules={"m": {f"q{i}": q for i in range(500)}}).encode(),
         "too many questions"),
        ("notes.txt", b"hello", "not a record's name"),
        ("<script>.json", b"{}", "not a record's name"),
    ]


@pytest.mark.parametrize("case", range(21))
def test_a_hostile_file_is_skipped_with_a_note_and_the_others_still_count(folder, case):
    base = good(folder)
    name, content, reason = hostile(base)[case]
    (folder / name).write_bytes(content)
    records, notes = read_folder(folder)
    assert [r.student for r in records] == ["alice"]
    assert len(notes) == 1 and notes[0].startswith("skipped ") and reason in notes[0], notes
    assert "\n" not in notes[0] and len(notes[0]) < 200


def test_links_fifos_and_folders_are_skipped_without_being_followed_or_blocking(folder, tmp_path):
    good(folder)
    secret = tmp_path / "instructor-only.json"
    secret.write_text(json.dumps(good(folder, "zed") | {"student": "linked"}))
    (folder / "zed.json").unlink()
    (folder / "linked.json").symlink_to(secret)
    os.mkfifo(folder / "pipe.json")
    (folder / "dir.json").mkdir()
    records, notes = read_folder(folder)
    assert [r.student for r in records] == ["alice"]
    assert sorted(n.split(":")[0] for n in notes) == ["skipped dir.json", "skipped linked.json", "skipped pipe.json"]


def test_a_file_name_with_terminal_escapes_is_shown_escaped(folder):
    (folder / "x\x1b[2J.json").write_bytes(b"{}")
    _, notes = read_folder(folder)
    assert notes == ["skipped x\\x1b[2J.json: not a record's name (<student>.json)"]


def test_temporary_files_of_writers_are_not_records_nor_noise(folder):
    good(folder)
    (folder / ".alice.json.abc123.tmp").write_text("{half a rec")
    assert read_folder(folder)[1] == []
