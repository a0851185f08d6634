"""What a student sees of a query result in a notebook: short column types, small results whole."""

import pytest

import synth
from synth.dataset import SHOWN_HEAD, SHOWN_WHOLE, short_type, show_relation


@pytest.fixture
def db(tiny_dataset):
    con = synth.connect(tiny_dataset)
    yield con
    con.close()


def test_enum_columns_are_headed_enum_not_by_their_labels(db):
    text, page = show_relation(db.sql("SELECT user_id, platform, app_version FROM users LIMIT 3"))
    assert text.splitlines()[0].split() == ["user_id", "(BIGINT)", "platform", "(ENUM)", "app_version", "(ENUM)"]
    assert "<th>app_version<br><small>ENUM</small></th>" in page
    assert "ENUM(" not in text + page


def test_short_types_keep_short_parameters():
    assert short_type("DECIMAL(18,3)") == "DECIMAL(18,3)"
    assert short_type("STRUCT(a INTEGER, b VARCHAR, c DOUBLE)") == "STRUCT"


def test_a_small_result_is_shown_whole(db):
    keys = [key for (key,) in db.sql("SELECT key FROM dataset_info").fetchall()]
    text, page = show_relation(db.sql("SELECT key, value FROM dataset_info ORDER BY key"))
    assert 10 < len(keys) <= SHOWN_WHOLE
    assert all(key in text and f"<td>{key}</td>" in page for key in keys), "window_start must not be hidden"
    assert len(text.splitlines()) == len(keys) + 1


def test_a_long_result_shows_its_first_rows_and_says_so(db):
    text, page = show_relation(db.sql("SELECT user_id FROM users ORDER BY user_id"))
    lines = text.splitlines()
    assert len(lines) == SHOWN_HEAD + 2 and lines[-1].startswith(f"First {SHOWN_HEAD} rows of more than {SHOWN_WHOLE}")
    assert page.count("<tr>") == SHOWN_HEAD + 1


def test_connecting_inside_ipython_registers_the_display(tiny_dataset):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        con = synth.connect(tiny_dataset)
        data, _ = shell.display_formatter.format(con.sql("SELECT platform FROM users LIMIT 2"))
        assert "<small>ENUM</small>" in data["text/html"] and "(ENUM)" in data["text/plain"]
        con.close()
    finally:
        InteractiveShell.clear_instance()
