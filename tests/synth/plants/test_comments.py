"""Survey comments as text: varied, seeded, misspelt at the configured rate, and codable by keywords often but
not always (a keyword coder agrees with the coded theme within a stated band)."""

import re

import duckdb
import numpy as np
import pytest
from support.plants import SEEDS

from synth import schema
from synth.config import Comments
from synth.plant.shared import comments as text
from synth.plant.surveys import THEMES
from synth.writer import build

# A simple reference coder, as an analyst would first write it: the first theme whose words appear.
KEYWORD_CODER = """
SELECT theme, comment,
  CASE
    WHEN regexp_matches(comment, 'notif|\\bpush|\\bpings?\\b|spam|alert', 'i') THEN 'notifications'
    WHEN regexp_matches(comment, '\\bads?\\b|sponsor|promo', 'i') THEN 'ads'
    WHEN regexp_matches(comment, 'crash|bug|glitch|broken|error|closes itself', 'i') THEN 'bugs'
    WHEN regexp_matches(comment, 'lag|slow|stutter|freez|buffer|battery|\\bhot\\b|\\bload', 'i') THEN 'performance'
    WHEN regexp_matches(comment, 'edit|filter|effect|record|camera|upload|post', 'i') THEN 'creation_tools'
    WHEN regexp_matches(comment, 'easy|easi|simple|intuitive|confus|find|menu|navigat', 'i') THEN 'ease_of_use'
    WHEN regexp_matches(comment, 'video|feed|content|creator|funny|music|recommend', 'i') THEN 'content'
    ELSE 'other' END AS coded
FROM surveys WHERE comment IS NOT NULL
"""
AGREEMENT_BAND = (0.75, 0.92)  # high, but vague comments and typos keep keyword coding from being perfect


def generated(seed: int, n: int, typo_rate: float = Comments().typo_rate) -> np.ndarray:
    """n comments for random themes and phones, from a generator seeded with `seed`."""
    rng = np.random.default_rng(seed)
    theme, platform, tier = rng.integers(0, len(THEMES), n), rng.integers(0, 2, n), rng.integers(0, 3, n)
    return text.comments(np.random.default_rng(seed + 1), THEMES, theme, platform, tier, seed, typo_rate)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_keyword_coder_agrees_with_the_coded_theme_often_but_not_always(world, seed):
    dataset, _ = world(seed)
    coded = dataset.execute(KEYWORD_CODER).df()
    agreement = (coded["theme"] == coded["coded"]).mean()
    assert AGREEMENT_BAND[0] <= agreement <= AGREEMENT_BAND[1]
    # every theme is mostly recognisable from its words
    by_theme = (coded["theme"] == coded["coded"]).groupby(coded["theme"]).mean()
    assert set(by_theme.index) == set(THEMES) and by_theme.min() > 0.6


@pytest.mark.parametrize("seed", SEEDS)
def test_comments_are_varied_and_exactly_where_a_theme_was_coded(world, seed):
    dataset, _ = world(seed)
    mismatched, distinct, total = dataset.execute("""
        SELECT count(*) FILTER (WHERE (theme IS NULL) <> (comment IS NULL)),
               count(DISTINCT lower(comment)), count(comment) FROM surveys""").fetchone()
    assert mismatched == 0 and total > 1000
    assert distinct / total > 0.6


def test_comments_depend_on_the_phone_they_were_written_on():
    rng = np.random.default_rng(3)
    n = 4000
    theme = np.full(n, THEMES.index("performance"))
    low = text.comments(rng, THEMES, theme, np.ones(n, np.int64), np.zeros(n, np.int64), 3, 0.0)
    high = text.comments(rng, THEMES, theme, np.ones(n, np.int64), np.full(n, 2), 3, 0.0)
    assert np.mean(["battery" in c for c in high]) > 0.1 and not any("battery" in c for c in low)
    assert any("budget phone" in c for c in low) and not any("budget phone" in c for c in high)


def test_comments_are_the_same_for_a_seed_and_differ_between_seeds():
    assert (generated(5, 500) == generated(5, 500)).all()
    assert (generated(5, 500) != generated(6, 500)).mean() > 0.5


@pytest.mark.parametrize("rate", [Comments().typo_rate, 0.2])
def test_words_are_misspelt_at_the_configured_rate(rate):
    clean = generated(11, 20_000, typo_rate=0.0)
    typed = text.misspell(np.random.default_rng(12), clean, rate)
    words = [(a, b) for c, t in zip(clean, typed, strict=True)
             for a, b in zip(re.findall(r"[A-Za-z]+", c), re.findall(r"[A-Za-z]+", t), strict=True)
             if len(a) >= text.TYPO_MIN_LETTERS]
    changed = np.mean([a != b for a, b in words])
    sd = np.sqrt(rate * (1 - rate) / len(words))
    assert abs(changed - rate) < 4 * sd
    # a typo changes one letter at most: the word stays recognisable
    assert all(abs(len(a) - len(b)) <= 1 and a[0] == b[0] for a, b in words)


def test_no_typos_at_rate_zero():
    clean = generated(11, 2_000, typo_rate=0.0)
    assert (text.misspell(np.random.default_rng(1), clean, 0.0) == clean).all()


def test_writing_comments_never_shifts_another_columns_draws(blocked_config, blocked_dataset, tmp_path):
    other = tmp_path / "typos.duckdb"
    build(blocked_config.replace(comments=Comments(typo_rate=0.5)), other, workers=1, progress=False)
    con = duckdb.connect(str(other), read_only=True)
    con.execute(f"ATTACH '{blocked_dataset}' AS base (READ_ONLY)")
    for table in schema.TABLES:
        if table.name == "dataset_info":
            continue
        columns = ", ".join(c for c in table.column_names if c != "comment")
        differ = con.execute(f"SELECT count(*) FROM (SELECT {columns} FROM {table.name} EXCEPT ALL "
                             f"SELECT {columns} FROM base.{table.name})").fetchone()[0]
        assert differ == 0, table.name
    changed = con.execute("SELECT count(*) FILTER (WHERE s.comment <> b.comment), count(s.comment) FROM surveys s "
                          "JOIN base.surveys b USING (response_id)").fetchone()
    assert changed[0] > changed[1] / 2


def test_a_theme_without_a_template_is_named(monkeypatch):
    with pytest.raises(ValueError, match="'memes'"):
        text.candidates((*THEMES, "memes"))
