"""The class record's format: what the student's side writes and the reader accepts."""

from __future__ import annotations

import re

FORMAT = 1
ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # student, module and question ids: also safe file names
MAX_MISTAKES = 20  # distinct named mistakes kept per question: a record stays small whatever a student does
