"""Render ``model_card.md`` from a model's metadata: use, data, label mapping, metrics, limits."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from core.model.labels import DEFAULT_LABELS
from core.model.metadata import ModelMetadata
from core.training.card_sections import calibration_section, dropped_copies_line, recipe_section, seeds_section


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def render_card(metadata: ModelMetadata | Mapping[str, Any]) -> str:
    """Markdown model card for a trained model (pure function of its metadata, checked on the way in)."""
    meta = ModelMetadata.coerce(metadata)
    labels = meta.labels
    config = meta.config
    lines = [
        f"# Model card: {meta.name}",
        "",
        f"Created {meta.created or '?'} with ModLens {meta.libraries.get('modlens', '?')}.",
        "",
        "## Intended use",
        "Scores English social-media posts and comments so that moderation analysts can triage them: "
        f"one probability per label ({', '.join(labels)}). It supports human review; it is not meant to "
        "remove content automatically. `toxic` = rude, abusive, offensive or hateful; `hate` = attacks "
        "people for an identity (gender, orientation, religion, race, origin, disability, ...).",
        "",
        "## Model",
        f"Keras LSTM classifier, preset `{meta.preset or '?'}`: {_vectorizer(config)}"
        f"(vocabulary {config.get('vocab_size')}, sequence length {config.get('sequence_length')}) -> "
        f"{_embedding(config)} -> "
        f"{_embedding_dropout(config)}"
        f"{'Bidirectional ' if config.get('bidirectional') else ''}LSTM({config.get('lstm_units')}) -> "
        f"{_pooling(config)}dropout {config.get('dropout')} -> {_head(config)}. "
        f"Adam (lr {config.get('learning_rate')}), batch {config.get('batch_size')}, up to {config.get('epochs')} "
        f"epochs with early stopping on validation ROC AUC (the mean over datasets when trained on several; "
        f"patience {config.get('patience')}){_plateau(config)}{_weight_average(config)}; loss masked where a "
        "dataset lacks a label; positives of rare labels up-weighted." + _read_through(meta.recipe or {}),
        "",
        "Thresholds (chosen on validation data, best F1"
        + (", on calibrated scores" if config.get("calibrated") else "")
        + "):",
        "",
    ]
    lines += [f"- `{label}`: {value:.3f}" for label, value in meta.thresholds.items()]
    lines += ["", "## Scoring long posts", "", _long_posts(config)]
    if meta.command:
        lines += ["", "Rebuild with:", "", "```", meta.command, "```"]
        if "--out assets/model " in f"{meta.command} ":
            lines += ["", "(`make default-model` runs this command from the repository root.)"]
    data = meta.training_data
    if data:
        n_train = f"{meta.n_train:,}" if meta.n_train is not None else "?"
        n_validation = f"{meta.n_validation:,}" if meta.n_validation is not None else "?"
        shown = _count_columns(data, labels)
        lines += [
            "",
            "## Training data and label mapping",
            f"{n_train} training and {n_validation} validation posts."
            + (f" Random splits drawn with split seed {meta.split_seed}." if meta.split_seed is not None else ""),
            "",
            "| dataset | rows | train / validation / test | "
            + "".join(f"{label} known (positive) | " for label in shown)
            + "mapping |",
            "|---|---|---|" + "---|" * len(shown) + "---|",
        ]
        for name, summary in data.items():
            splits = summary.get("splits", {})
            lab = summary.get("labels", {})
            counts = "".join(
                f"{lab.get(label, {}).get('known', 0):,} ({lab.get(label, {}).get('positive', 0):,}) | "
                for label in shown
            )
            lines.append(
                f"| {name} | {summary.get('rows', 0):,} | {splits.get('train', 0):,} / "
                f"{splits.get('validation', 0):,} / "
                f"{splits.get('test', 0):,} | {counts}{summary.get('mapping', '')} |"
            )
        dropped = dropped_copies_line(data)
        if dropped:
            lines += ["", dropped]
        lines += ["", "File hashes (SHA-256) are in `metadata.json`."]
    recipe = recipe_section(meta)
    if recipe:
        lines += ["", "## Training mix", "", recipe]
    evaluation = meta.evaluation
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
    from core.training.checks import render_checks
    from core.training.set_checks import render_set_checks

    if meta.debias:
        lines += ["", "## Reducing unintended identity bias", "", _debias_section(meta.debias)]
    sections = {**render_checks(dict(meta.checks)), **render_set_checks(dict(meta.checks))}
    for title, body in sections.items():
        lines += ["", f"## {title}", "", body]
    for title, body in (
        ("Calibration", calibration_section(meta)),
        ("Training variance", seeds_section(meta)),
    ):
        if body:
            lines += ["", f"## {title}", "", body]
    lines += [
        "",
        "## Limitations",
        "- English only; other languages get unreliable scores.",
        "- Trained on Wikipedia talk comments and tweets from 2009-2019; newer slang, coded language and "
        "other platforms' styles are scored less reliably.",
        "- Label definitions differ between source datasets (toxic vs offensive vs hateful); the mapping above "
        "is a choice, and Davidson's 'offensive' class includes much casual profanity.",
        *_weak_spots(config),
        "- Scores are calibrated on the pooled validation data of the training sets; on another platform, with "
        "another base rate or label definition, a score of 0.7 need not mean 70%: check the reliability curve on "
        "your own labelled posts and pick thresholds there.",
    ]
    if meta.card_appendix:
        lines += ["", meta.card_appendix.strip()]
    lines.append("")
    return "\n".join(lines)


def _count_columns(data: Mapping[str, Any], labels: Sequence[str]) -> list[str]:
    """Labels of the training-data table: ``toxic`` and ``hate`` where counted or scored, then the model's others.

    A model trained on a file with other labels (``insult``, say) shows its own labels' counts,
    not columns of zeros for labels it has never seen.
    """
    counted = {label for summary in data.values() for label in (summary.get("labels") or {})}
    return [label for label in DEFAULT_LABELS if label in counted or label in labels] + [
        label for label in labels if label not in DEFAULT_LABELS
    ]


def _long_posts(config: Mapping[str, Any]) -> str:
    """The window rule of :mod:`core.model.windows`, with this model's numbers."""
    width = int(config.get("sequence_length") or 0)
    stride = max(1, width // 2)
    return (
        f"The network reads {width} tokens at a time. A longer post is scored in overlapping windows of "
        f"{width} tokens, one every {stride} tokens (half a window), the last ending at the post's last token; "
        "each label's score is the highest of its windows, so abuse late in a long post counts as much as "
        "abuse at its start (and a long post has more chances to reach a threshold than a short one). "
        "Posts are read up to 100,000 characters. Training and the validation posts that set the thresholds "
        f"use each post's first {width} tokens; held-out metrics use the rule in force when the model was "
        "evaluated (`benchmarks/heldout_compare.py M M --long-posts first windows` compares the two). "
        "`python -m core score --long-posts first` reads only the first window (faster, misses late abuse). "
        "Scoring runs the LSTM in a fused, XLA-compiled loop built from this same saved model at load "
        "time; its scores match the Keras graph to about 1e-6."
    )


def _debias_section(debias: Mapping[str, Any]) -> str:
    """Before/after table of a debiased training run."""
    config = debias.get("config", {})
    text = [
        "Trained with `--debias`: "
        + (
            f"up to {config.get('sentences_per_phrase')} harmless and {config.get('sentences_per_phrase')} hostile "
            "sentences per identity phrase and per identity adjective from the project's augmentation templates "
            "(`assets/debias_templates.csv`, separate from the evaluation templates), "
            if config.get("augment")
            else ""
        )
        + f"and non-toxic posts that mention an identity weighted x{config.get('identity_weight')} in the loss"
        + (
            f", more for a term whose posts are more often toxic or hateful than the average post (its hostile odds "
            f"over the average odds, up to x{config['balance_cap']:g}; `core/training/balance.py`)."
            if config.get("balance_cap")
            else "."
        ),
    ]
    before, after = debias.get("before"), debias.get("after", {})
    rows = [
        ("final bias metric, templated test", "templated_final_bias_metric"),
        ("lowest group subgroup AUC, templated test", "templated_min_subgroup_auc"),
        ("lowest term AUC, templated test", "templated_min_term_auc"),
        ("lowest group BPSN AUC, templated test", "templated_min_bpsn_auc"),
        ("highest mean score of harmless sentences, one term", "templated_max_term_mean_harmless"),
        ("harmless template sentences flagged", "templated_harmless_flag_rate"),
        ("functional cases accuracy", "functional_accuracy"),
    ]
    text += ["", "| measure | before | after |", "|---|---|---|"]
    for title, key in rows:
        text.append(f"| {title} | {_fmt(before.get(key)) if before else 'n/a'} | {_fmt(after.get(key))} |")
    for label, value in after.get("mean_test_roc_auc", {}).items():
        old = before.get("mean_test_roc_auc", {}).get(label) if before else None
        text.append(f"| mean held-out ROC AUC, {label} | {_fmt(old)} | {_fmt(value)} |")
    return "\n".join(text)


def _vectorizer(config: Mapping[str, Any]) -> str:
    if config.get("normalizer") == "robust2":
        return (
            "TextVectorization with the robust normaliser (links, mentions, leetspeak, repeated and spaced letters; "
            "typographic quotes, dashes and ellipses read as their ASCII forms) "
        )
    if config.get("normalizer") == "robust":
        return "TextVectorization with the robust normaliser (links, mentions, leetspeak, repeated and spaced letters) "
    return "TextVectorization "


def _read_through(recipe: Mapping[str, Any]) -> str:
    """The sentence for a model trained with one normaliser and saved reading through another."""
    if recipe.get("read_normalizer") != "robust2":
        return ""
    return (
        " The vocabulary and weights were trained reading posts through the robust normaliser without its typographic "
        "rule (`robust`); the saved model reads them through `robust2` (`--read-normalizer robust2`), which changes "
        'only posts with Unicode punctuation: `“idiot”` is read as `"idiot"` instead of as an unknown word. '
        "Thresholds and temperatures are as trained."
    )


def _embedding(config: Mapping[str, Any]) -> str:
    dim = config.get("embedding_dim")
    chars = config.get("word_chars") or 0
    if chars:
        return (
            f"Embedding({dim}, mask_zero) plus a character CNN per word (first {chars} characters, "
            f"{config.get('char_filters')} filters of width 3, max over characters, projected to {dim})"
        )
    return f"Embedding({dim}, mask_zero)"


def _head(config: Mapping[str, Any]) -> str:
    if config.get("calibrated"):
        return "one sigmoid per label, its logit divided by a fitted temperature"
    return "one sigmoid per label"


def _weak_spots(config: Mapping[str, Any]) -> list[str]:
    if config.get("normalizer") in ("robust", "robust2"):
        return [
            "- Sarcasm, quotes of abuse (counter-speech) and negation are still weak spots of a word-sequence model, "
            "though contrast pairs and DynaHate perturbations help (see the functional cases); spelling tricks "
            "beyond the normaliser and the character channel (new symbols, words split across lines) get through; "
            "identity terms can still raise scores of harmless posts (check the Bias page)."
        ]
    return [
        "- Word-level model: heavy obfuscation, sarcasm, quotes of abuse (counter-speech) and negation are "
        "known weak spots; identity terms can raise scores of harmless posts (check the Bias page)."
    ]


def _embedding_dropout(config: Mapping[str, Any]) -> str:
    rate = config.get("embedding_dropout") or 0
    return f"spatial dropout {rate} -> " if rate else ""


def _pooling(config: Mapping[str, Any]) -> str:
    if config.get("pooling") == "maxavg":
        return "masked max and mean over time -> "
    return "last state -> "


def _plateau(config: Mapping[str, Any]) -> str:
    decay = config.get("plateau_decay", 1.0)
    if decay is None or decay >= 1.0:
        return ""
    return f"; after an epoch without a better AUC, back to the best weights with the learning rate times {decay}"


def _weight_average(config: Mapping[str, Any]) -> str:
    momentum = config.get("weight_average") or 0
    if not momentum:
        return ""
    return f"; the weights kept are a moving average over training steps (momentum {momentum})"
