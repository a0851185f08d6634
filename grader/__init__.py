"""Exercises for the sandbox: question specs, answer checking, exercise builds and grading."""
