"""Render ``model_card.md`` from a model's metadata: use, data, label mapping, metrics, limits."""

from __future__ import annotations

import math
from typing import Any


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def render_card(metadata: dict[str, Any]) -> str:
    """Markdown model card for a trained model (pure function of its metadata)."""
    labels = metadata.get("labels", [])
    config = metadata.get("config", {})
    lines = [
        f"# Model card: {metadata.get('name', 'modlens-model')}",
        "",
        f"Created {metadata.get('created', '?')} with ModLens {metadata.get('libraries', {}).get('modlens', '?')}.",
        "",
        "## Intended use",
        "Scores English social-media posts and comments so that moderation analysts can triage them: "
        f"one probability per label ({', '.join(labels)}). It supports human review; it is not meant to "
        "remove content automatically. `toxic` = rude, abusive, offensive or hateful; `hate` = attacks "
        "people for an identity (gender, orientation, religion, race, origin, disability, ...).",
        "",
        "## Model",
        f"Keras LSTM classifier, preset `{metadata.get('preset', '?')}`: TextVectorization "
        f"(vocabulary {config.get('vocab_size')}, sequence length {config.get('sequence_length')}) -> "
        f"Embedding({config.get('embedding_dim')}, mask_zero) -> "
        f"{'Bidirectional ' if config.get('bidirectional') else ''}LSTM({config.get('lstm_units')}) -> "
        f"dropout {config.get('dropout')} -> one sigmoid per label. Adam (lr {config.get('learning_rate')}), "
        f"batch {config.get('batch_size')}, up to {config.get('epochs')} epochs with early stopping on "
        "validation ROC AUC; loss masked where a dataset lacks a label; positives of rare labels up-weighted.",
        "",
        "Thresholds (chosen on validation data, best F1):",
        "",
    ]
    lines += [f"- `{label}`: {value:.3f}" for label, value in metadata.get("thresholds", {}).items()]
    if metadata.get("command"):
        lines += ["", "Rebuild with:", "", "```", metadata["command"], "```"]
    data = metadata.get("training_data", {})
    if data:
        lines += [
            "",
            "## Training data and label mapping",
            f"{metadata.get('n_train', '?'):,} training and {metadata.get('n_validation', '?'):,} validation posts.",
            "",
            "| dataset | rows | train / validation / test | toxic known (positive) | hate known (positive) | mapping |",
            "|---|---|---|---|---|---|",
        ]
        for name, summary in data.items():
            splits = summary.get("splits", {})
            lab = summary.get("labels", {})
            tox, hat = lab.get("toxic", {}), lab.get("hate", {})
            lines.append(
                f"| {name} | {summary.get('rows', 0):,} | {splits.get('train', 0):,} / "
                f"{splits.get('validation', 0):,} / "
                f"{splits.get('test', 0):,} | {tox.get('known', 0):,} ({tox.get('positive', 0):,}) | "
                f"{hat.get('known', 0):,} ({hat.get('positive', 0):,}) | {summary.get('mapping', '')} |"
            )
        lines += ["", "File hashes (SHA-256) are in `metadata.json`."]
    evaluation = metadata.get("evaluation", [])
    if evaluation:
        lines += [
            "",
            "## Evaluation on held-out test splits",
            "Each dataset's own test split (OLID: its official test set; HateXplain: its official test split), "
            "at the model thresholds.",
            "",
            "| dataset | label | n | positives | ROC AUC | PR AUC | precision | recall | F1 | macro-F1 |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in evaluation:
            lines.append(
                f"| {row['dataset']} | {row['label']} | {row['n']} | {row['positives']} | {_fmt(row['roc_auc'])} | "
                f"{_fmt(row['pr_auc'])} | {_fmt(row['precision'])} | {_fmt(row['recall'])} | {_fmt(row['f1'])} | "
                f"{_fmt(row['macro_f1'])} |"
            )
    from core.model_checks import render_checks

    for title, body in render_checks(metadata.get("checks", {})).items():
        lines += ["", f"## {title}", "", body]
    lines += [
        "",
        "## Limitations",
        "- English only; other languages get unreliable scores.",
        "- Trained on Wikipedia talk comments and tweets from 2009-2019; newer slang, coded language and "
        "other platforms' styles are scored less reliably.",
        "- Label definitions differ between source datasets (toxic vs offensive vs hateful); the mapping above "
        "is a choice, and Davidson's 'offensive' class includes much casual profanity.",
        "- Word-level model: heavy obfuscation, sarcasm, quotes of abuse (counter-speech) and negation are "
        "known weak spots; identity terms can raise scores of harmless posts (check the Bias page).",
        "- Scores are not calibrated probabilities across platforms; pick thresholds on your own labelled data.",
        "",
    ]
    return "\n".join(lines)
