"""Hidden seeds come from the secret, differ per student (or per variant), and never equal a public seed."""

import os
import stat

import pytest

from grader.grade import SECRET_ENV
from grader.grade.hidden import fingerprint, resolve_secret, seed_for

STUDENTS = [f"student{i}" for i in range(60)]


def test_a_seed_is_stable_for_a_student_and_depends_on_secret_module_and_student():
    seed = seed_for("s3cret", "01_active_users", "alice", None, set())
    assert seed == seed_for("s3cret", "01_active_users", "alice", None, set())
    others = {seed_for("other", "01_active_users", "alice", None, set()),
              seed_for("s3cret", "02_engagement_kpis", "alice", None, set()),
              seed_for("s3cret", "01_active_users", "bob", None, set())}
    assert seed not in others and len(others) == 3
    assert 1 <= seed < 2**31


def test_every_student_gets_a_dataset_of_their_own_without_variants():
    assert len({seed_for("k", "m", s, None, set()) for s in STUDENTS}) == len(STUDENTS)


def test_variants_share_at_most_k_datasets_across_the_class():
    seeds = [seed_for("k", "m", s, 4, set()) for s in STUDENTS]
    assert 2 <= len(set(seeds)) <= 4
    assert seeds == [seed_for("k", "m", s, 4, set()) for s in STUDENTS]


def test_a_public_seed_is_never_a_hidden_one():
    taken = seed_for("k", "m", "alice", None, set())
    assert seed_for("k", "m", "alice", None, {taken}) not in {taken}


def test_the_secret_comes_from_the_option_then_the_environment_then_a_stored_file(tmp_path, monkeypatch):
    monkeypatch.delenv(SECRET_ENV, raising=False)
    assert resolve_secret("given", tmp_path) == ("given", "--secret")
    monkeypatch.setenv(SECRET_ENV, "from-env")
    assert resolve_secret(None, tmp_path) == ("from-env", f"${SECRET_ENV}")
    monkeypatch.delenv(SECRET_ENV)
    made, where = resolve_secret(None, tmp_path)
    assert where == str(tmp_path / "secret") and len(made) == 64
    assert stat.S_IMODE(os.stat(tmp_path / "secret").st_mode) == 0o600
    assert resolve_secret(None, tmp_path)[0] == made


def test_a_fingerprint_tells_secrets_apart_without_showing_them():
    assert fingerprint("a") == fingerprint("a") != fingerprint("b")
    assert len(fingerprint("a")) == 16


@pytest.mark.parametrize("variants", [1, 3])
def test_with_one_variant_per_class_everyone_shares_one_hidden_dataset(variants):
    assert len({seed_for("k", "m", s, variants, set()) for s in STUDENTS}) <= variants
