"""Batch grading: each submission re-executed in an isolated worker on hidden data, compared with the key here.

`grader grade SUBMISSIONS --module NN_topic --out DIR` (see `command.py`); the pieces, one concern each:
submissions.py (discover and read), hidden.py (per-student seeds, hidden datasets and keys), sandbox.py (what a
worker may do), worker.py (what runs in a worker), forkserver.py and pool.py (pre-warmed worker processes),
scoring.py (answers -> outcomes, status, reason), report.py (grade sheet and feedback), run.py (the batch);
keys.py records many answer keys at once on the same pool (`grader key`).
"""

SECRET_ENV = "GRADER_SECRET"  # the secret hidden seeds derive from, when --secret is not given
# Hidden datasets span the public dataset's 91-day window with every planted phenomenon (six promotion weekends,
# the redesign, the outage, the engagement drop, bots, skewed clocks, the soft launch, the experiments) over fewer
# users: synth.config's `class` scale (see its comment for the size).
HIDDEN_SCALE = "class"
