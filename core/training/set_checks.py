"""Checks of a trained model on the loaded public sets: DynaHate by level, spelling robustness, calibration.

- DynaHate's test split, originals and contrastive perturbations apart (the
  perturbations are minimal edits that flip or keep the label: negation,
  counter-speech, quotes);
- robustness: the Jigsaw test split as written and with each kind of spelling
  perturbation of :mod:`core.training.obfuscation`;
- calibration: a reliability table per label on the pooled test splits of the
  sets whose sampling keeps label rates meaningful, and the expected calibration
  error per dataset.

Each returns plain data for ``metadata.json``; :func:`render_set_checks` turns it
into model card sections.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from core.evaluation.calibration import expected_calibration_error, reliability_table
from core.training.checks import format_figure
from core.training.datasets import LabelledSet
from core.training.mix import SKEWED_SAMPLING
from core.training.obfuscation import robustness_check


def _test(sets: Sequence[LabelledSet], name: str) -> pd.DataFrame | None:
    found = [s for s in sets if s.name == name]
    if not found:
        return None
    frame = found[0].frame
    return frame[frame["split"] == "test"]


def dynahate_levels(clf: Any, sets: Sequence[LabelledSet]) -> list[dict[str, Any]]:
    """ROC AUC and accuracy of ``hate`` on DynaHate's test split, per level (original / perturbation)."""
    from sklearn.metrics import roc_auc_score

    test = _test(sets, "dynahate")
    if test is None or "level" not in test or "hate" not in clf.labels_:
        return []
    column = clf.labels_.index("hate")
    scores = clf.predict_proba(test["text"].tolist())[:, column]
    rows = []
    for level in ("original", "perturbation", "all"):
        member = np.ones(len(test), bool) if level == "all" else (test["level"] == level).to_numpy()
        y = test["hate"].to_numpy(float)[member]
        s = scores[member]
        both = len(np.unique(y)) == 2
        rows.append(
            {
                "level": level,
                "n": int(member.sum()),
                "positives": int(y.sum()),
                "roc_auc": float(roc_auc_score(y, s)) if both else math.nan,
                "accuracy": float(((s >= clf.thresholds_["hate"]) == (y == 1)).mean()) if len(y) else math.nan,
            }
        )
    return rows


def spelling_robustness(clf: Any, sets: Sequence[LabelledSet]) -> list[dict[str, Any]]:
    """``toxic`` ROC AUC on the Jigsaw test split as written and under each spelling perturbation."""
    test = _test(sets, "jigsaw")
    if test is None or "toxic" not in clf.labels_ or "toxic" not in test:
        return []
    test = test[test["toxic"].notna()]  # a user's file named jigsaw may leave labels empty
    if test["toxic"].nunique() < 2:
        return []
    column = clf.labels_.index("toxic")
    return robustness_check(lambda texts: clf.predict_proba(texts)[:, column], test["text"].tolist(), test["toxic"])


def calibration_summary(clf: Any, sets: Sequence[LabelledSet], n_bins: int = 10) -> dict[str, Any]:
    """Per label: a reliability table of the pooled test splits (skewed sets left out) and ECE per dataset."""
    out: dict[str, Any] = {}
    scored = []
    for labelled in sets:
        test = labelled.frame[labelled.frame["split"] == "test"]
        if len(test):
            scored.append((labelled.name, test, clf.predict_proba(test["text"].tolist())))
    for j, label in enumerate(clf.labels_):
        pooled_y, pooled_s, per_set = [], [], {}
        for name, test, scores in scored:
            y = test[label].to_numpy(float) if label in test else np.full(len(test), np.nan)
            if len(np.unique(y[~np.isnan(y)])) < 2:  # unknown, or one class only (masked negatives)
                continue
            per_set[name] = expected_calibration_error(reliability_table(y, scores[:, j], n_bins))
            if name not in SKEWED_SAMPLING:
                pooled_y.append(y)
                pooled_s.append(scores[:, j])
        if not pooled_y:
            continue
        table = reliability_table(np.concatenate(pooled_y), np.concatenate(pooled_s), n_bins)
        out[label] = {
            "table": table.to_dict("records"),
            "ece": expected_calibration_error(table),
            "ece_by_dataset": per_set,
        }
    return out


def set_checks(clf: Any, sets: Sequence[LabelledSet]) -> dict[str, Any]:
    """All checks that need the loaded sets, keyed for ``metadata['checks']``."""
    return {
        "dynahate_levels": dynahate_levels(clf, sets),
        "spelling_robustness": spelling_robustness(clf, sets),
        "calibration": calibration_summary(clf, sets),
    }


def render_set_checks(checks: dict[str, Any]) -> dict[str, str]:
    """Markdown sections (title -> body) for the model card."""
    sections: dict[str, str] = {}
    levels = checks.get("dynahate_levels")
    if levels:
        lines = [
            "`hate` on DynaHate's test split (perturbation groups never split across train and test), at the model "
            "threshold. Perturbations are minimal edits of an original that flip or keep its label.",
            "",
            "| level | n | hateful | ROC AUC | accuracy |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['level']} | {r['n']} | {r['positives']} | {format_figure(r['roc_auc'])} "
            f"| {format_figure(r['accuracy'])} |"
            for r in levels
        ]
        sections["DynaHate: originals and perturbations"] = "\n".join(lines)
    robust = checks.get("spelling_robustness")
    if robust:
        lines = [
            "`toxic` ROC AUC on the Jigsaw test split with about a third of the words of every post re-spelt one "
            "way (seeded). Training copies use the same kinds of change, so these figures show what the model "
            "learned from them more than robustness to new tricks; the hand-written functional cases are the "
            "independent test.",
            "",
            "| spelling | n | ROC AUC |",
            "|---|---|---|",
        ]
        lines += [f"| {r['kind']} | {r['n']} | {format_figure(r['roc_auc'])} |" for r in robust]
        sections["Spelling robustness"] = "\n".join(lines)
    calibration = checks.get("calibration")
    if calibration:
        lines = [
            "Expected calibration error (ECE, 10 equal-width bins) of the stored scores on the test splits; the pooled "
            f"figure leaves out {', '.join(sorted(SKEWED_SAMPLING))} (sampled balanced, all-non-toxic or "
            "all-once-toxic).",
            "",
            "| label | pooled ECE | ECE per dataset |",
            "|---|---|---|",
        ]
        for label, data in calibration.items():
            per = ", ".join(f"{name} {format_figure(v)}" for name, v in data["ece_by_dataset"].items())
            lines.append(f"| {label} | {format_figure(data['ece'])} | {per} |")
        sections["Calibration on held-out data"] = "\n".join(lines)
    return sections
