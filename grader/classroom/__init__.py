"""A live view of a class: students' check() results in a shared folder, read and shown to the instructor.

record.py writes a student's file (ids, verdicts, named mistakes, times; nothing else), folder.py creates the
class folder with the right permissions, read.py validates every file as untrusted, view.py aggregates them and
render.py shows the result in a terminal or as a self-refreshing HTML page. The set-up is explained in
docs/instructors/workshop.md ("The class view").
"""

from __future__ import annotations

from grader.classroom.record import CLASS_ENV, NAME_ENV, join, leave

__all__ = ["CLASS_ENV", "NAME_ENV", "join", "leave"]
