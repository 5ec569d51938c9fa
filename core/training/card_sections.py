"""Model card sections about how a model was trained: the data mix, calibration and seeds.

Pure functions of ``metadata.json`` returning Markdown, used by :func:`core.training.card.render_card`.
"""

from __future__ import annotations

import math
from typing import Any


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def recipe_section(metadata: dict[str, Any]) -> str:
    """Dataset weights, the project's own training sentences and spelling copies."""
    recipe = metadata.get("recipe") or {}
    if not recipe:
        return ""
    lines = []
    weights = recipe.get("dataset_weights") or {}
    if weights:
        listed = ", ".join(f"{name} x{value:g}" for name, value in sorted(weights.items()))
        lines.append(f"- loss weight per dataset (others x1): {listed};")
    contrast = recipe.get("contrast")
    if contrast:
        lines.append(
            f"- contrast pairs (`assets/contrast_templates.csv`, `assets/contrast_fillers.csv`, written for the "
            f"project): {contrast.get('fills_per_pair')} fillings per template pair, each filling used for every "
            "framing of its pair (hostile, negated, condemned, quoted, reported), so the framing alone decides the "
            "label;"
        )
    if recipe.get("identity_swap"):
        lines.append(
            f"- identity-swapped copies of {recipe['identity_swap']:.0%} of the training posts that mention a group: "
            "one mentioned group's words replaced by another group's, labels unchanged (none equal to a held-out post);"
        )
    if recipe.get("dataset_offsets"):
        lines.append(
            "- an offset per dataset to each label's logit, learned in training and not saved: base rates that differ "
            "between the datasets are absorbed by it rather than by the words typical of a dataset;"
        )
    if recipe.get("obfuscate"):
        lines.append(
            f"- perturbed-spelling copies of {recipe['obfuscate']:.0%} of the training posts (leetspeak, repeated, "
            "spaced, masked, swapped or dropped letters, joined words), labels unchanged;"
        )
    if not lines:
        return ""
    return "Besides the datasets' train splits, training used:\n\n" + "\n".join(lines)


def calibration_section(metadata: dict[str, Any]) -> str:
    """Temperatures and the log loss they bought on the calibration data."""
    calibration = metadata.get("calibration") or {}
    if not calibration.get("temperature"):
        return ""
    lines = [
        "Scores are temperature-scaled in the saved graph (`CalibratedScoreHead`): each label's logit is divided by "
        "a temperature fitted on validation posts (lowest log loss), then the thresholds are chosen on those "
        "calibrated scores. The calibration posts are the validation splits of every dataset except those sampled "
        "balanced or all of one class (jigsaw_more, civil_comments_spans). Ranking, and so every ROC AUC, is "
        "unchanged.",
        "",
        "| label | temperature | posts | log loss before | log loss after |",
        "|---|---|---|---|---|",
    ]
    for label, value in calibration["temperature"].items():
        lines.append(
            f"| {label} | {_fmt(value)} | {calibration.get('n', {}).get(label, 'n/a')} | "
            f"{_fmt(calibration.get('log_loss_before', {}).get(label))} | "
            f"{_fmt(calibration.get('log_loss_after', {}).get(label))} |"
        )
    return "\n".join(lines)


def seeds_section(metadata: dict[str, Any]) -> str:
    """Every seed's figures and which run shipped, and why."""
    runs = metadata.get("seed_runs")
    if not runs:
        return ""
    lines = [
        f"The recipe was trained with {len(runs['runs'])} seeds. Validation AUC (mean over datasets): mean "
        f"{_fmt(runs['validation_auc_mean'], 4)}, standard deviation {_fmt(runs['validation_auc_sd'], 4)}. Shipped: "
        f"seed {runs['chosen_seed']} ({runs['rule']}). Test figures are reported, never used to choose.",
        "",
        "| seed | epochs | validation AUC | mean test ROC AUC, toxic | mean test ROC AUC, hate | Jigsaw test ROC AUC |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs["runs"]:
        test = run.get("test_mean_roc_auc", {})
        marker = " (shipped)" if run["seed"] == runs["chosen_seed"] else ""
        lines.append(
            f"| {run['seed']}{marker} | {run.get('epochs', 'n/a')} | {_fmt(run['validation_auc'], 4)} | "
            f"{_fmt(test.get('toxic'), 4)} | {_fmt(test.get('hate'), 4)} | {_fmt(run.get('jigsaw_toxic_roc_auc'), 4)} |"
        )
    return "\n".join(lines)


def dropped_copies_line(data: dict[str, Any]) -> str:
    """One sentence on the posts removed as copies across sets."""
    test_copies = sum(s.get("dropped_copies", {}).get("test_copy", 0) for s in data.values())
    duplicates = sum(s.get("dropped_copies", {}).get("duplicate", 0) for s in data.values())
    if not test_copies and not duplicates:
        return ""
    return (
        f"Posts are deduplicated by normalised text (lower case, letters and digits) across all sets before "
        f"training: {test_copies:,} copies of a test post of the v3 datasets and {duplicates:,} other repeats were "
        "removed; the v3 datasets' test splits are unchanged, so models are compared on the same posts. New sets "
        "are split by a hash of the text (DynaHate: of its perturbation group), so copies and groups stay together."
    )
