"""Grading on Gradescope: `grader gradescope` writes an autograder zip, and `run` grades one submission inside it.

Gradescope unpacks the zip in /autograder/source, runs setup.sh once to build its image, then run_autograder once
per submission (in a fresh container) with the student's files in /autograder/submission and who they are in
/autograder/submission_metadata.json; results go to /autograder/results/results.json. AUTOGRADER_ROOT moves
/autograder elsewhere (tests run the whole layout in a temporary folder).
"""
