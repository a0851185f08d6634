"""`python -m grader` runs the grader CLI."""

import sys

from grader.cli import main

# Guarded like synth's: a process started by spawn (Windows) re-imports the main module.
if __name__ == "__main__":
    sys.exit(main())
