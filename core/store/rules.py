"""Queue rules: which posts of a batch go to review, and in which order.

A rule is a frozen dataclass with a readable :meth:`describe` (stored with the
queue and shown to reviewers) and :meth:`select`, which takes the batch as a
table (``score_<label>``, and ``text`` for rules with ``needs_text``) and returns
which rows match and their priority (higher first; ties go to the older post). Rules are stored as JSON
(:func:`rule_to_json` / :func:`rule_from_json`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from core.errors import ModLensError

MAX_PICKED_ROWS = 50_000
"""Most posts a :class:`PickedRows` rule names (they are stored with the queue as JSON)."""


@dataclass(frozen=True)
class Flagged:
    """Posts at or above the threshold of ``label`` (any label when None)."""

    label: str | None = None
    kind: ClassVar[str] = "flagged"

    def describe(self, thresholds: Mapping[str, float]) -> str:
        """E.g. ``flagged: score_toxic >= 0.468``."""
        labels = [self.label] if self.label else list(thresholds)
        return "flagged: " + " or ".join(f"score_{lb} >= {thresholds[lb]:.3f}" for lb in labels)

    def select(self, view: pd.DataFrame, thresholds: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """Rows flagged for the label(s); priority = the highest such score."""
        labels = [self.label] if self.label else list(thresholds)
        flagged = np.column_stack([view[f"score_{lb}"].to_numpy() >= thresholds[lb] for lb in labels])
        return flagged.any(axis=1), _max_score(view, labels)


@dataclass(frozen=True)
class ScoreRange:
    """Posts with ``low <= score_<label> <= high``."""

    label: str
    low: float = 0.0
    high: float = 1.0
    kind: ClassVar[str] = "score_range"

    def describe(self, thresholds: Mapping[str, float]) -> str:
        """E.g. ``score_toxic between 0.300 and 0.700``."""
        return f"score_{self.label} between {self.low:.3f} and {self.high:.3f}"

    def select(self, view: pd.DataFrame, thresholds: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """Rows in range; priority = the score."""
        if not 0.0 <= self.low <= self.high <= 1.0:
            raise ModLensError(f"A score range needs 0 <= low <= high <= 1; got {self.low} to {self.high}.")
        score = view[f"score_{self.label}"].to_numpy()
        return (score >= self.low) & (score <= self.high), score


@dataclass(frozen=True)
class IdentityGroup:
    """Posts mentioning an identity group of the project's lexicon (``core.bias``)."""

    group: str
    label: str | None = None
    kind: ClassVar[str] = "identity_group"
    needs_text: ClassVar[bool] = True

    def describe(self, thresholds: Mapping[str, float]) -> str:
        """E.g. ``mentions identity group 'muslim'``."""
        return f"mentions identity group '{self.group}' (identity lexicon)"

    def select(self, view: pd.DataFrame, thresholds: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """Rows whose text matches the group's terms; priority = the label's (or highest) score."""
        from core.bias.groups import match_identities
        from core.bias.lexicon import load_lexicon

        lexicon = load_lexicon()
        if self.group not in lexicon.groups:
            raise ModLensError(f"Unknown identity group '{self.group}'. Groups are: {', '.join(lexicon.groups)}.")
        groups = match_identities(view["text"].tolist(), lexicon).groups
        labels = [self.label] if self.label else list(thresholds)
        return groups[self.group].to_numpy(dtype=bool), _max_score(view, labels)


@dataclass(frozen=True)
class QualitySample:
    """A random sample of ``size`` posts flagged for no label, to check what the model lets through."""

    size: int
    seed: int = 0
    kind: ClassVar[str] = "quality_sample"

    def describe(self, thresholds: Mapping[str, float]) -> str:
        """E.g. ``quality control: 200 random unflagged posts (seed 0)``."""
        return f"quality control: {self.size} random unflagged posts (seed {self.seed})"

    def select(self, view: pd.DataFrame, thresholds: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """A reproducible sample of unflagged rows; priority = the highest score."""
        if self.size < 1:
            raise ModLensError(f"A quality-control sample needs at least 1 post; got {self.size}.")
        flagged, score = Flagged().select(view, thresholds)
        unflagged = np.flatnonzero(~flagged)
        chosen = np.random.default_rng(self.seed).permutation(unflagged)[: self.size]
        mask = np.zeros(len(view), dtype=bool)
        mask[chosen] = True
        return mask, score


@dataclass(frozen=True)
class PickedRows:
    """Posts picked by row (0-based positions in the batch), e.g. the rows a Score page filter shows."""

    rows: tuple[int, ...]
    description: str = "picked on the Score page"
    kind: ClassVar[str] = "picked_rows"

    def __post_init__(self) -> None:
        rows = tuple(sorted({int(r) for r in self.rows}))
        if not rows or rows[0] < 0:
            raise ModLensError("Pick at least one post (row numbers start at 0).")
        if len(rows) > MAX_PICKED_ROWS:
            raise ModLensError(
                f"{len(rows):,} posts are picked; at most {MAX_PICKED_ROWS:,} can be sent by row. "
                "Use a rule (flagged, score range, identity group) for more."
            )
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "description", " ".join(str(self.description).split())[:200])

    def describe(self, thresholds: Mapping[str, float]) -> str:
        """E.g. ``12 posts picked on the Score page (search 'idiot')``."""
        return f"{len(self.rows):,} posts {self.description}"

    def select(self, view: pd.DataFrame, thresholds: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """The picked rows (rows past the end of the batch are refused); priority = the highest score."""
        if self.rows[-1] >= len(view):
            raise ModLensError(f"Row {self.rows[-1]} is not in the batch ({len(view):,} posts).")
        mask = np.zeros(len(view), dtype=bool)
        mask[list(self.rows)] = True
        return mask, _max_score(view, list(thresholds))


@dataclass(frozen=True)
class AllPosts:
    """Every post of the batch."""

    kind: ClassVar[str] = "all"

    def describe(self, thresholds: Mapping[str, float]) -> str:
        """``all posts``."""
        return "all posts"

    def select(self, view: pd.DataFrame, thresholds: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """Every row; priority = the highest score."""
        return np.ones(len(view), dtype=bool), _max_score(view, list(thresholds))


Rule = Flagged | ScoreRange | IdentityGroup | QualitySample | PickedRows | AllPosts


def needs_text(rule: Rule) -> bool:
    """Whether :meth:`select` reads the post texts (loading them costs time on large batches)."""
    return bool(getattr(rule, "needs_text", False))


RULES: dict[str, type] = {
    cls.kind: cls for cls in (Flagged, ScoreRange, IdentityGroup, QualitySample, PickedRows, AllPosts)
}


def _max_score(view: pd.DataFrame, labels: Sequence[str]) -> np.ndarray:
    return np.column_stack([view[f"score_{lb}"].to_numpy() for lb in labels]).max(axis=1)


def check_rule(rule: Rule, labels: Sequence[str]) -> None:
    """Raise :class:`~core.errors.ModLensError` when the rule names a label the batch does not have."""
    label = getattr(rule, "label", None)
    if label is not None and label not in labels:
        raise ModLensError(f"Label '{label}' is not a label of this batch. Labels are: {', '.join(labels)}.")


def rule_to_json(rule: Rule) -> dict[str, Any]:
    """``{"kind": "score_range", "label": "toxic", "low": 0.3, "high": 0.7}``."""
    return {"kind": rule.kind, **asdict(rule)}


def rule_from_json(spec: Mapping[str, Any]) -> Rule:
    """Inverse of :func:`rule_to_json`."""
    fields = dict(spec)
    cls = RULES[fields.pop("kind")]
    if "rows" in fields:
        fields["rows"] = tuple(fields["rows"])
    return cls(**fields)
