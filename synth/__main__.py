"""`python -m synth`: the same as the `synth` command."""

from synth.cli import main

# Guarded: worker processes re-import the main module and must not run the command again.
if __name__ == "__main__":
    raise SystemExit(main())
