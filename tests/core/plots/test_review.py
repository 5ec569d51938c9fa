"""Review figures, checked on ``fig.to_dict()``: counts and values drawn, names escaped, NaN said."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.plots import review as figures
from core.plots.style import MUTED_COLOR as MUTED


def test_progress_stacks_the_statuses_and_counts_what_is_done() -> None:
    counts = pd.DataFrame({"status": ["decided", "escalated", "pending"], "posts": [6, 1, 3]})
    fig = figures.progress_figure(counts, queue="<b>q</b>").to_dict()
    assert [t["x"] for t in fig["data"]] == [[6], [1], [3]]
    assert fig["layout"]["barmode"] == "stack"
    title = fig["layout"]["title"]["text"]
    assert "7 of 10 posts done" in title and "&lt;b&gt;q&lt;/b&gt;" in title


def test_progress_colours_each_action_as_the_reviewer_bars_do() -> None:
    counts = pd.DataFrame({"status": ["approve", "remove", "escalate", "pending"], "posts": [2, 3, 1, 4]})
    colors = {t["name"]: t["marker"]["color"] for t in figures.progress_figure(counts).to_dict()["data"]}
    assert colors == {**{a: figures.ACTION_COLORS[a] for a in ("approve", "remove", "escalate")}, "pending": MUTED}
    assert len(set(colors.values())) == 4


def test_reviewer_bars_per_action_and_rules_named() -> None:
    progress = pd.DataFrame(
        {
            "reviewer": ["ann", "bob"],
            "source": ["person", "rule"],
            "decisions": [3, 5],
            "approve": [1, 5],
            "remove": [2, 0],
            "escalate": [0, 0],
            "skip": [0, 0],
            "median_seconds": [4.0, np.nan],
        }
    )
    fig = figures.reviewer_figure(progress).to_dict()
    by_name = {t["name"]: t for t in fig["data"]}
    assert list(by_name["approve"]["x"]) == ["ann", "rule: bob"]
    assert list(by_name["approve"]["y"]) == [1, 5] and list(by_name["remove"]["y"]) == [2, 0]


def test_agreement_draws_kappa_and_names_undefined_pairs() -> None:
    table = pd.DataFrame(
        {
            "reviewer_a": ["a", "a"],
            "reviewer_b": ["b", "c"],
            "n": [10, 1],
            "agreement": [0.9, 1.0],
            "kappa": [0.8, np.nan],
        }
    )
    fig = figures.agreement_figure(table).to_dict()
    assert list(fig["data"][0]["y"]) == [0.8, None]
    notes = " ".join(a["text"] for a in fig["layout"]["annotations"])
    assert "a &amp; c" in notes
    empty = figures.agreement_figure(table.iloc[:0]).to_dict()
    assert "no post was decided by two reviewers" in " ".join(a["text"] for a in empty["layout"]["annotations"])


def test_model_agreement_groups_precision_and_recall() -> None:
    table = pd.DataFrame(
        {
            "label": ["toxic", "hate"],
            "threshold": [0.5, 0.5],
            "n": [4, 4],
            "flagged": [2, 0],
            "removed": [2, 1],
            "tp": [2, 0],
            "fp": [0, 0],
            "fn": [0, 1],
            "tn": [2, 3],
            "precision": [1.0, np.nan],
            "recall": [1.0, 0.0],
        }
    )
    fig = figures.model_agreement_figure(table).to_dict()
    by_name = {t["name"]: t for t in fig["data"]}
    assert list(by_name["precision"]["y"]) == [1.0, None] and list(by_name["recall"]["y"]) == [1.0, 0.0]
    assert "precision of hate" in " ".join(a["text"] for a in fig["layout"]["annotations"])
