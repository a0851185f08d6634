"""Teaching notes read from a solution notebook without running it: questions, titles, minutes, mistakes, prompts."""

import nbformat
import pytest

from grader.syllabus import SyllabusError, catalogue, read_module, read_modules


def notebook(tmp_path, *cells, name="42_teaching"):
    """A solution notebook of ("md" | "code", source) cells, written to tmp_path/solutions/."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
                for kind, src in cells]
    folder = tmp_path / "solutions"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


SETUP = ("code", "### INSTRUCTOR\nfrom grader import mistake, question\n# discuss: What counts as active?\n"
                 "# discuss: A prompt that goes on\n#   over two lines.")
Q1 = [("md", "# 42 · Teaching: a module\n\nIntro."),
      ("md", "## 1. Buyers on one day (`buyers`)\nHow many?"),
      ("code", '### INSTRUCTOR\nquestion("buyers", Scalar())\n# minutes: 8\n# discuss: Who is a buyer?'),
      ("code", "### BEGIN SOLUTION\nbuyers = 3\n### END SOLUTION\ncheck('buyers', buyers)"),
      ("code", '### INSTRUCTOR\nmistake("buyers", "Counts carts, "\n        "not purchases.", 4)\n'
               'mistake("buyers", f"Fell {drop:.0%} since launch.", "x")\nmistake("buyers", NAMES[0], 5)')]
Q2 = [("md", "## 2. Two at once (`low`, `high`)"),
      ("code", '### INSTRUCTOR\nquestion("low", Scalar())\nquestion("high", Scalar())'),
      ("code", '### INSTRUCTOR\nmistake("low", "Too low.", 1)\n# minutes: 5'),
      ("code", '### INSTRUCTOR\nmistake("high", "Too high.", 9)\n# minutes: 7\n# discuss: Why two ids?')]


def test_questions_titles_minutes_mistakes_and_prompts_come_from_the_notebook(tmp_path):
    module = read_module(notebook(tmp_path, SETUP, *Q1, *Q2))
    assert (module.name, module.title) == ("42_teaching", "42 · Teaching: a module")
    assert module.discuss == ["What counts as active?", "A prompt that goes on over two lines."]
    assert [(q.id, q.title, q.minutes) for q in module.questions] == [
        ("buyers", "Buyers on one day", 8), ("low", "Two at once", 5), ("high", "Two at once", 7)]
    buyers = module.questions[0]
    assert buyers.mistakes == ["Counts carts, not purchases.", "Fell … since launch.", "(computed: NAMES[0])"]
    assert buyers.discuss == ["Who is a buyer?"]
    assert module.questions[2].discuss == ["Why two ids?"] and module.questions[1].discuss == []
    assert module.minutes == 8 + 5 + 7
    assert catalogue(tmp_path / "solutions") == {"42_teaching": ["buyers", "low", "high"]}


def test_a_module_without_declared_minutes_is_read_and_says_so(tmp_path):
    bare = [(kind, src.replace("# minutes: 8\n", "")) for kind, src in Q1]
    module = read_module(notebook(tmp_path, *bare))
    assert module.questions[0].minutes is None and module.minutes is None


def test_markdown_and_solution_cells_do_not_declare_anything(tmp_path):
    module = read_module(notebook(tmp_path, *Q1, ("md", "# minutes: 90\n## 9. Not a question (`ghost`)"),
                                  ("code", 'question("ghost", Scalar())  # not an instructor cell\n# minutes: 3')))
    assert [q.id for q in module.questions] == ["buyers"] and module.questions[0].minutes == 8


@pytest.mark.parametrize("cell, message", [
    ('### INSTRUCTOR\nquestion("x", Scalar())\n# minutes: 8\n# minutes: 9', "a second '# minutes:'"),
    ('### INSTRUCTOR\nquestion("x", Scalar())\n# minutes: eight', "needs a whole number of minutes"),
    ('### INSTRUCTOR\nquestion("x", Scalar())\n# minutes: 0', "needs a whole number of minutes"),
    ('### INSTRUCTOR\nfrom grader import question\n# minutes: 5', "in a cell without a question"),
    ('### INSTRUCTOR\nquestion("x", Scalar())\nquestion("y", Scalar())\n# discuss: Which?', "several questions"),
    ('### INSTRUCTOR\nquestion("x", Scalar())\n# discuss:', "an empty '# discuss:' line"),
    ('### INSTRUCTOR\nquestion("x", Scalar(\n', "not valid Python"),
])
def test_malformed_teaching_notes_name_the_notebook_cell_and_fix(tmp_path, cell, message):
    with pytest.raises(SyllabusError, match=message) as raised:
        read_module(notebook(tmp_path, ("md", "## 1. X (`x`)"), ("code", cell)))
    assert "42_teaching.ipynb, cell 2" in str(raised.value)


def test_minutes_declared_twice_for_one_question_across_cells_are_refused(tmp_path):
    with pytest.raises(SyllabusError, match="a second '# minutes:' for 'buyers'"):
        read_module(notebook(tmp_path, *Q1, ("code", '### INSTRUCTOR\nmistake("buyers", "Again.", 1)\n# minutes: 3')))


def test_every_module_in_the_folder_is_read_in_order(tmp_path):
    notebook(tmp_path, *Q1, name="43_second")
    notebook(tmp_path, *Q1, name="42_first")
    assert [m.name for m in read_modules(tmp_path / "solutions")] == ["42_first", "43_second"]
