"""Clipstream: a simulated short-video app whose event logs land in DuckDB."""

__version__ = "0.1.0"

from synth.dataset import DatasetError, connect, dataset_path, info  # noqa: E402

__all__ = ["DatasetError", "__version__", "connect", "dataset_path", "info"]
