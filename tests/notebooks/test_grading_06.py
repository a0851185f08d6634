"""Module 06 graded as a teacher would grade it, on a hidden class-scale dataset (the public window, where every
plant of the module is in the data): typical mistakes lose their points, by name."""

from support.submissions import grade_class, perfect, replace_once

MODULE = "06_data_accuracy"


def mistaken():
    """The perfect submission with two classic mistakes: SELECT DISTINCT * for copies, one late event as a skew."""
    notebook = perfect(MODULE)
    replace_once(notebook, "SELECT COUNT(*) - COUNT(DISTINCT event_id)   -- every row beyond the first of its event_id",
                 "SELECT COUNT(*) - (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM events))")
    replace_once(notebook, """    SELECT user_id FROM lags GROUP BY user_id
    HAVING abs(median(lag_s)) > 1800""", """    SELECT user_id FROM lags GROUP BY user_id
    HAVING abs(max(lag_s)) > 1800 OR abs(min(lag_s)) > 1800""")
    return notebook


def test_typical_mistakes_lose_their_points_and_are_named_in_the_feedback(tmp_path):
    rows, out = grade_class(tmp_path, MODULE, {"perfect": perfect(MODULE), "mistaken": mistaken()})
    assert (rows["perfect"]["score"], rows["perfect"]["max_score"]) == ("8", "8")
    row = rows["mistaken"]
    assert row["status"] == "graded"
    assert row["duplicate_rows"] == "0"
    assert 0 < float(row["skewed_clock_users"]) < 0.5   # partial credit: the F1 of a set with many extras
    assert row["audit"] == "0"   # its first check reuses the duplicate count
    assert float(row["score"]) == 5 + float(row["skewed_clock_users"])
    sections = (out / "feedback" / "mistaken.md").read_text().split("\n## ")
    named = {s.split(":")[0]: s for s in sections[1:]}
    assert "Known mistake: SELECT DISTINCT * only removes rows identical" in named["duplicate_rows"]
