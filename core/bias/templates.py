"""Templated identity test: the same sentences about every identity term.

Each template (``assets/identity_templates.csv``: ``template, kind, form``)
has one ``{identity}`` placeholder, filled with every plural phrase of the
lexicon. A fair model gives harmless sentences low scores whatever the
identity and separates harmless from hostile ones for every identity (AUC
near 1); terms with high harmless scores are the ones the model penalises.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.bias.inputs import OVERALL
from core.bias.lexicon import Lexicon
from core.bias.ranking import auc
from core.errors import ConfigError, ModelError, ModLensError

__all__ = [
    "TEMPLATES_PATH",
    "ScoreFn",
    "TemplateResult",
    "fill_templates",
    "load_templates",
    "score_unique",
    "summarise_templates",
    "templated_test",
]

TEMPLATES_PATH = Path(__file__).resolve().parents[2] / "assets" / "identity_templates.csv"
PLACEHOLDER = "{identity}"
KINDS = ("harmless", "hostile")

#: A model reduced to one label: texts -> one probability per text.
ScoreFn = Callable[[list[str]], np.ndarray]


def load_templates(path: str | Path | None = None) -> pd.DataFrame:
    """Read and validate a templates CSV (default: the project's own)."""
    path = Path(path) if path is not None else TEMPLATES_PATH
    if not path.is_file():
        raise ModLensError(f"Identity templates '{path}' not found. Restore assets/identity_templates.csv.")
    return check_templates(pd.read_csv(path, dtype=str, keep_default_na=False))


def check_templates(frame: pd.DataFrame) -> pd.DataFrame:
    """Check columns, kinds and the single placeholder; return a clean copy."""
    missing = {"template", "kind"} - set(frame.columns)
    if missing:
        raise ModLensError(
            f"The templates lack column(s) {', '.join(sorted(missing))}. They need the columns template, kind, form."
        )
    out = frame.copy()
    out["form"] = out.get("form", "plural")
    out = out.fillna("").astype(str)
    bad_kind = sorted(set(out["kind"]) - set(KINDS))
    if bad_kind:
        raise ModLensError(f"Template kinds must be harmless or hostile, found: {', '.join(bad_kind)}.")
    bad = out.loc[out["template"].str.count(r"\{identity\}") != 1, "template"]
    if not bad.empty:
        raise ModLensError(f"Each template needs exactly one {PLACEHOLDER}; this one does not: {bad.iloc[0]!r}.")
    return out.reset_index(drop=True)


def _fill(template: str, phrase: str) -> str:
    text = template.replace(PLACEHOLDER, phrase)
    return text[:1].upper() + text[1:] if template.startswith(PLACEHOLDER) else text


def fill_templates(templates: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """Every template filled with every distinct phrase of every group.

    Templates with ``form`` ``singular`` get the lexicon's ``term`` column,
    all others its ``plural`` column (the default). A sentence that starts
    with the placeholder is capitalised.

    Returns
    -------
    DataFrame
        Columns ``group, term, terms, kind, template, text``: ``term`` is the
        phrase filled in, ``terms`` the lexicon terms that share it.

    """
    templates = check_templates(templates)
    rows = []
    for form, block in templates.groupby("form", sort=False):
        column = "term" if form == "singular" else "plural"
        phrases = lexicon.terms.groupby(["group", column], sort=False)["term"].agg(", ".join)
        for (group, phrase), terms in phrases.items():
            for template, kind in block[["template", "kind"]].itertuples(index=False):
                rows.append((group, phrase, terms, kind, template, _fill(template, phrase)))
    return pd.DataFrame(rows, columns=["group", "term", "terms", "kind", "template", "text"])


def score_unique(score_fn: ScoreFn, texts: Sequence[str]) -> np.ndarray:
    """Score texts once each (duplicates share a score) and check the output."""
    unique, inverse = np.unique(np.asarray(list(texts), dtype=object), return_inverse=True)
    scores = np.asarray(score_fn([str(t) for t in unique]), dtype=np.float64).ravel()
    if scores.shape[0] != unique.shape[0]:
        raise ModelError(
            f"The model returned {scores.shape[0]} scores for {unique.shape[0]} texts; it must score each text once."
        )
    return scores[inverse]


def summarise_templates(scored: pd.DataFrame, *, by: str = "term") -> pd.DataFrame:
    """Per term (or group): mean score of harmless and hostile sentences and AUC.

    Parameters
    ----------
    scored : DataFrame
        :func:`fill_templates` output with a ``score`` column.
    by : {'term', 'group'}
        One row per filled-in phrase or per identity group.

    Returns
    -------
    DataFrame
        One row per term (``group, term, terms, ...``) or per group, sorted
        by ``mean_harmless`` descending (the most penalised first), then an
        ``overall`` row: ``n_harmless, n_hostile, mean_harmless,
        mean_hostile, auc`` (hostile vs harmless; NaN if a kind is missing).

    """
    if by not in ("term", "group"):
        raise ConfigError(f"by must be 'term' or 'group', not {by!r}.")
    keys = ["group", "term", "terms"] if by == "term" else ["group"]

    def summary(block: pd.DataFrame) -> pd.Series:
        is_harmless = block["kind"] == "harmless"
        return pd.Series(
            {
                "n_harmless": int(is_harmless.sum()),
                "n_hostile": int((~is_harmless).sum()),
                "mean_harmless": block.loc[is_harmless, "score"].mean(),
                "mean_hostile": block.loc[~is_harmless, "score"].mean(),
                "auc": auc(~is_harmless.to_numpy(), block["score"].to_numpy()),
            }
        )

    rows = [
        (*(key if isinstance(key, tuple) else (key,)), *summary(block))
        for key, block in scored.groupby(keys, sort=False)
    ]
    columns = [*keys, "n_harmless", "n_hostile", "mean_harmless", "mean_hostile", "auc"]
    table = pd.DataFrame(rows, columns=columns)
    table = table.sort_values("mean_harmless", ascending=False, kind="stable")
    overall = {key: OVERALL if key == "group" else "" for key in keys}
    overall.update(summary(scored).to_dict())
    table = pd.concat([table, pd.DataFrame([overall])], ignore_index=True)
    return table.astype({"n_harmless": int, "n_hostile": int})


@dataclass(frozen=True)
class TemplateResult:
    """Outcome of :func:`templated_test`: sentences with scores and summaries."""

    sentences: pd.DataFrame
    by_term: pd.DataFrame
    by_group: pd.DataFrame


def templated_test(score_fn: ScoreFn, templates: pd.DataFrame, lexicon: Lexicon) -> TemplateResult:
    """Fill the templates, score every sentence once and summarise.

    Parameters
    ----------
    score_fn : callable
        ``list[str] -> ndarray`` of one probability per text, for one label.
    templates : DataFrame
        Columns ``template, kind[, form]`` (see :func:`load_templates`).
    lexicon : Lexicon
        Identity phrases to fill in.

    """
    sentences = fill_templates(templates, lexicon)
    sentences["score"] = score_unique(score_fn, sentences["text"].tolist())
    return TemplateResult(
        sentences=sentences,
        by_term=summarise_templates(sentences, by="term"),
        by_group=summarise_templates(sentences, by="group"),
    )
