"""Solution markers: which code is solution, what replaces it, which cells are instructor-only."""

import pytest

from grader.markers import MarkerError, has_solution, is_instructor, scaffold, solutions_by_question


def test_a_solution_block_becomes_one_scaffold_line_assigning_the_answer_name_with_its_description():
    source = (
        'query = "kept"\n'
        "### BEGIN SOLUTION a DataFrame with columns day, dau\n"
        "daily = db.sql(query).df()\n"
        'dau = daily.rename(columns={"n": "dau"})\n'
        "### END SOLUTION\n"
        'check("dau", dau)'
    )
    assert scaffold(source) == (
        'query = "kept"\n'
        "dau = ...  # YOUR CODE: a DataFrame with columns day, dau\n"
        'check("dau", dau)'
    )


def test_the_scaffold_names_the_last_assignment_to_a_plain_name_not_an_item_assignment():
    source = "### BEGIN SOLUTION\ndf = load()\ndf['x'] = 1\ndf.attr = 2\n### END SOLUTION"
    assert scaffold(source) == "df = ...  # YOUR CODE"


def test_tuple_targets_get_a_matching_tuple_of_ellipses_so_unpacking_still_runs():
    assert scaffold("### BEGIN SOLUTION\nfig, ax = plt.subplots()\n### END SOLUTION") == \
        "fig, ax = ..., ...  # YOUR CODE"
    nested = scaffold("### BEGIN SOLUTION\n(a, b), c = f()\n### END SOLUTION")
    assert nested == "(a, b), c = (..., ...), ...  # YOUR CODE"
    namespace: dict = {}
    exec(nested, namespace)
    assert namespace["a"] is ... and namespace["c"] is ...


def test_a_block_without_assignments_keeps_its_indentation_and_becomes_an_ellipsis():
    source = ("def active(events):\n    ### BEGIN SOLUTION: keep user actions only\n    return events\n"
              "    ### END SOLUTION\n")
    assert scaffold(source) == "def active(events):\n    ...  # YOUR CODE: keep user actions only\n"


def test_one_line_solutions_keep_the_name_and_take_the_description_after_the_marker():
    source = 'n = db.sql(q).fetchone()[0]  # SOLUTION the number of users\nlo, hi = 1, 2  # SOLUTION\nz = 3'
    assert scaffold(source) == "n = ...  # YOUR CODE: the number of users\nlo, hi = ..., ...  # YOUR CODE\nz = 3"


def test_scaffolded_code_runs_and_leaves_every_answer_as_ellipsis():
    source = "### BEGIN SOLUTION\nx = 1 / 0\n### END SOLUTION\ny = 2 / 0  # SOLUTION\nanswers = (x, y)"
    namespace: dict = {}
    exec(scaffold(source), namespace)
    assert namespace["answers"] == (..., ...)


def test_markdown_blocks_become_an_answer_placeholder_and_one_line_markers_are_left_alone():
    source = "Explain:\n### BEGIN SOLUTION why DAU fell\nBecause of bots.\n### END SOLUTION\nx = 1  # SOLUTION"
    assert scaffold(source, markdown=True) == "Explain:\n_Your answer:_ why DAU fell\nx = 1  # SOLUTION"
    assert scaffold("### BEGIN SOLUTION\nsecret\n### END SOLUTION", markdown=True) == "_Your answer here._"


def test_text_without_markers_is_returned_unchanged_including_its_final_newline():
    source = "# SOLUTIONS are below\nx = 1\n"
    assert not has_solution(source)
    assert scaffold(source) == source


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("### END SOLUTION", "line 1: ### END SOLUTION without a ### BEGIN SOLUTION"),
        ("### BEGIN SOLUTION\nx = 1", "never closed"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "line 2: ### BEGIN SOLUTION inside another"),
        ("x = 1\nprint(x)  # SOLUTION", "line 2: # SOLUTION must end a one-line assignment"),
        ("x[0] = 1  # SOLUTION", "line 1: a one-line solution must assign to a name"),
    ],
)
def test_malformed_markers_raise_one_message_naming_the_line_and_the_fix(source, message):
    with pytest.raises(MarkerError, match=message.replace("(", r"\(").replace(")", r"\)")):
        scaffold(source)


def test_has_solution_sees_blocks_and_one_line_forms():
    assert has_solution("a\n  ### BEGIN SOLUTION\nb\n### END SOLUTION")
    assert has_solution("x = 1  # SOLUTION")
    assert not has_solution("x = 1  # a solution would go here")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("### INSTRUCTOR\nmistake(...)", True),
        ("\n  ### INSTRUCTOR: known mistakes\nx", True),
        ("### INSTRUCTOR", True),
        ("x = 1\n### INSTRUCTOR", False),
        ("# INSTRUCTOR\nx", False),
        ("", False),
    ],
)
def test_instructor_cells_are_those_whose_first_non_blank_line_starts_with_the_marker(source, expected):
    assert is_instructor(source) is expected


def test_each_questions_solution_is_the_code_written_since_the_previous_check():
    cells = [
        ("code", "import grader\ndb, check = grader.start('m')"),
        ("code", "### INSTRUCTOR\nquestion('a', Scalar())\nx = 'not a solution'"),
        ("code", "### BEGIN SOLUTION a number\nbase = 40\na = base + 2\n### END SOLUTION\ncheck('a', a)"),
        ("markdown", "### BEGIN SOLUTION\nwords\n### END SOLUTION"),
        ("code", "if True:\n    ### BEGIN SOLUTION\n    b = 1\n    ### END SOLUTION\n    pass"),
        ("code", 'c = "x"  # SOLUTION "x" or "y"\ncheck("b", b)\ncheck("c", c)'),
    ]
    assert solutions_by_question(cells) == {"a": "base = 40\na = base + 2", "b": 'b = 1\nc = "x"'}
