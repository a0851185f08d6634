"""`python -m grader` runs the grader CLI."""

import sys

from grader.cli import main

sys.exit(main())
