"""Hidden datasets: a seed per student (or per variant) from a secret, and the datasets and keys cached by seed.

seed = HMAC-SHA256(secret, module + student id): stable for a student, unpredictable without the secret, never
the public dataset's seed. With `variants=K` the class shares K datasets (the student's hash picks one), which
saves building a dataset and a key per student. The cache (<cache>/<scale>-<seed>/clipstream.duckdb and its
clipstream.key/<module>/ beside it, the layout `grader key` uses) is private to the grader: mode 0700.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from grader.grade import SECRET_ENV
from grader.grade.module import Module
from grader.key import Key, dataset_info, finish_recording, read_key, stale_reason
from grader.paths import GraderError, key_root

_SEED_RANGE = 2**31 - 2


def resolve_secret(given: str | None, state: Path) -> tuple[str, str]:
    """(secret, where it came from): --secret, else $GRADER_SECRET, else the one stored in `state` (made once)."""
    if given:
        return given, "--secret"
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV], f"${SECRET_ENV}"
    path = state / "secret"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    return path.read_text(encoding="utf-8").strip(), str(path)


def fingerprint(secret: str) -> str:
    """A short digest that tells secrets apart without revealing them."""
    return hmac.new(secret.encode(), b"grader fingerprint", hashlib.sha256).hexdigest()[:16]


def _digest(secret: str, *parts: str) -> int:
    message = "\0".join(parts).encode()
    return int.from_bytes(hmac.new(secret.encode(), message, hashlib.sha256).digest()[:8], "big")


def seed_for(secret: str, module: str, student: str, variants: int | None, exclude: set[int]) -> int:
    """The hidden dataset seed of `student` for `module` (one of `variants` seeds when given)."""
    label = f"student {student}" if not variants else f"variant {_digest(secret, module, student) % variants}"
    counter = 0
    while True:
        seed = _digest(secret, module, label, str(counter)) % _SEED_RANGE + 1
        if seed not in exclude:
            return seed
        counter += 1


def public_seeds() -> set[int]:
    """Seeds students can see: synth's default and the current public dataset's (if there is one)."""
    import synth
    from synth.config import DEFAULT_SEED

    seeds = {DEFAULT_SEED}
    try:
        con = synth.connect()
    except Exception:  # no public dataset here: only the default seed is known to students
        return seeds
    try:
        seed = synth.info(con).get("seed", "")
        if seed.isdigit():
            seeds.add(int(seed))
    finally:
        con.close()
    return seeds


class HiddenCache:
    """Hidden datasets and this module's keys, by seed, in a folder only the grader can read."""

    def __init__(self, root: Path, scale: str, module: Module) -> None:
        self.root, self.scale, self.module = root, scale, module
        try:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
            root.chmod(0o700)
        except OSError as error:
            raise GraderError(f"cannot use {root} for hidden datasets ({error.strerror}); pass --cache DIR") \
                from None

    def dataset(self, seed: int) -> Path:
        """Where the hidden dataset of `seed` lives (whether or not it is built yet)."""
        return self.root / f"{self.scale}-{seed}" / "clipstream.duckdb"

    def cached_key(self, seed: int) -> Key | None:
        """The module's key for `seed` when the cache holds a current one."""
        dataset = self.dataset(seed)
        if not dataset.is_file():
            return None
        folder = key_root(dataset) / self.module.name
        try:
            if stale_reason(folder, dataset_info(dataset), self.module.solution) is None:
                return read_key(folder)
        except Exception:  # a damaged dataset or key is rebuilt, never trusted
            return None
        return None

    def build_spec(self, seed: int) -> dict[str, Any]:
        """The job that builds the dataset of `seed` (synth's build is atomic: half a dataset is never seen)."""
        dataset = self.dataset(seed)
        dataset.parent.mkdir(mode=0o700, exist_ok=True)
        return {"kind": "build", "scale": self.scale, "seed": seed, "out": str(dataset)}

    def key_spec(self, seed: int) -> dict[str, Any]:
        """The job that records the key of `seed`: the solution run in record mode into a temporary folder."""
        root = key_root(self.dataset(seed))
        root.mkdir(mode=0o700, exist_ok=True)
        record = tempfile.mkdtemp(prefix=f".{self.module.name}.", dir=root)
        return {"kind": "key", "cells": self.module.cells, "record": record, "dataset": str(self.dataset(seed)),
                "solutions": str(self.module.solution.parent)}

    def finish_key(self, seed: int, spec: dict[str, Any]) -> Key:
        """Stamp a recorded key with its dataset's checksum and move it into place; returns it."""
        info = dataset_info(self.dataset(seed))
        return finish_recording(Path(spec["record"]), self.module.name, self.module.solution, info,
                                self.module.reference)


def read_settings(state: Path) -> dict[str, Any] | None:
    """The settings a previous run in this output folder graded with."""
    try:
        return json.loads((state / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_settings(state: Path, settings: dict[str, Any]) -> None:
    """Remember the settings that decide grades, so a resumed run can refuse to mix different ones."""
    (state / "settings.json").write_text(json.dumps(settings, indent=1, sort_keys=True) + "\n", encoding="utf-8")
