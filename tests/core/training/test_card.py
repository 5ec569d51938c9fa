from __future__ import annotations

from core.model.config import preset
from core.training.card import render_card


def _metadata(**config_changes) -> dict:
    config = preset("default").with_overrides(**config_changes).to_dict()
    return {
        "format_version": 1,
        "name": "card-test",
        "labels": ["toxic", "hate"],
        "config": config,
        "thresholds": {"toxic": 0.31, "hate": 0.47},
        "evaluation": [
            {
                "dataset": "olid",
                "label": "toxic",
                "n": 860,
                "positives": 240,
                "roc_auc": 0.8214,
                "pr_auc": float("nan"),
                "precision": 0.7,
                "recall": 0.5,
                "f1": 0.58,
                "macro_f1": 0.73,
            }
        ],
        "debias": {
            "config": {"augment": True, "sentences_per_phrase": 8, "identity_weight": 2.0},
            "before": {"templated_final_bias_metric": 0.885, "mean_test_roc_auc": {"toxic": 0.84}},
            "after": {"templated_final_bias_metric": 0.936, "mean_test_roc_auc": {"toxic": 0.83}},
        },
    }


def test_card_describes_the_network_and_its_training_schedule() -> None:
    card = render_card(_metadata(plateau_decay=0.3, weight_average=0.995))
    assert "Embedding(96, mask_zero) -> spatial dropout 0.3 -> Bidirectional LSTM(64)" in card
    assert "TextVectorization with the robust normaliser" in card and "fitted temperature" in card
    assert "masked max and mean over time -> dropout 0.3" in card
    assert "patience 2" in card and "learning rate times 0.3" in card
    assert "moving average over training steps (momentum 0.995)" in card
    plain = render_card(
        _metadata(pooling="last", embedding_dropout=0.0, bidirectional=False, plateau_decay=1.0, weight_average=0.0)
    )
    assert "last state ->" in plain and "spatial dropout" not in plain and "Bidirectional" not in plain
    assert "learning rate times" not in plain and "moving average" not in plain


def test_card_tables_show_metrics_and_missing_values() -> None:
    card = render_card(_metadata())
    assert "split seed" not in card  # no training data recorded
    with_data = render_card(
        {**_metadata(), "training_data": {"mine": {"rows": 10}}, "n_train": 8, "n_validation": 1, "split_seed": 13}
    )
    assert "8 training and 1 validation posts. Random splits drawn with split seed 13." in with_data
    assert "| olid | toxic | 860 | 240 | 0.821 | n/a | 0.700 |" in card
    assert "| final bias metric, templated test | 0.885 | 0.936 |" in card
    assert "| mean held-out ROC AUC, toxic | 0.840 | 0.830 |" in card
    assert "- `toxic`: 0.310" in card


def test_card_describes_the_robust_channel_and_calibration() -> None:
    metadata = {
        **_metadata(normalizer="robust", word_chars=12, char_filters=64, calibrated=True),
        "calibration": {
            "method": "temperature",
            "temperature": {"toxic": 1.25, "hate": 0.9},
            "n": {"toxic": 900, "hate": 500},
            "log_loss_before": {"toxic": 0.41, "hate": 0.3},
            "log_loss_after": {"toxic": 0.39, "hate": 0.29},
        },
    }
    card = render_card(metadata)
    assert "robust normaliser" in card and "character CNN per word (first 12 characters, 64 filters" in card
    assert "its logit divided by a fitted temperature" in card
    assert "| toxic | 1.250 | 900 | 0.410 | 0.390 |" in card
    assert "on calibrated scores" in card
    assert "robust normaliser" not in render_card(_metadata(normalizer="basic", calibrated=False))


def test_card_reports_seeds_mix_dynahate_and_copies() -> None:
    metadata = {
        **_metadata(),
        "n_train": 100,
        "n_validation": 10,
        "training_data": {
            "jigsaw": {"rows": 10, "dropped_copies": {"test_copy": 0, "duplicate": 5}},
            "sbic": {"rows": 9, "dropped_copies": {"test_copy": 63, "duplicate": 535}},
        },
        "recipe": {
            "dataset_weights": {"davidson": 0.5},
            "contrast": {"fills_per_pair": 12},
            "obfuscate": 0.05,
            "identity_swap": 0.5,
            "dataset_offsets": True,
        },
        "seed_runs": {
            "validation_auc_mean": 0.82,
            "validation_auc_sd": 0.002,
            "chosen_seed": 21,
            "rule": "best validation AUC, within one standard deviation of the mean",
            "runs": [
                {"seed": 13, "epochs": 4, "validation_auc": 0.818, "test_mean_roc_auc": {"toxic": 0.8}},
                {"seed": 21, "epochs": 5, "validation_auc": 0.822, "test_mean_roc_auc": {"toxic": 0.81}},
            ],
        },
        "checks": {
            "dynahate_levels": [
                {"level": "original", "n": 2000, "positives": 1200, "roc_auc": 0.7, "accuracy": 0.65},
                {"level": "perturbation", "n": 1500, "positives": 700, "roc_auc": 0.75, "accuracy": 0.7},
            ]
        },
        "card_appendix": "## How this recipe was chosen\n\nA table.",
    }
    card = render_card(metadata)
    assert "63 copies of a test post" in card and "540 other repeats" in card
    assert "davidson x0.5" in card and "12 fillings per template pair" in card and "5% of the training posts" in card
    assert "identity-swapped copies of 50% of the training posts that mention a group" in card
    assert "an offset per dataset to each label's logit, learned in training and not saved" in card
    assert "| 21 (shipped) | 5 | 0.8220 |" in card and "Shipped: seed 21" in card
    assert "| perturbation | 1500 | 700 | 0.750 | 0.700 |" in card
    assert card.rstrip().endswith("A table.")


def test_card_states_the_long_post_window_rule() -> None:
    card = render_card(_metadata())
    assert "## Scoring long posts" in card
    assert "overlapping windows of 120 tokens, one every 60 tokens" in card and "highest of its windows" in card


def test_card_of_the_bundled_model_names_make_default_model() -> None:
    bundled = render_card(
        {**_metadata(), "command": "python -m core train --public all --out assets/model --seeds 1,2"}
    )
    assert "python -m core train --public all --out assets/model --seeds 1,2" in bundled
    assert "`make default-model` runs this command" in bundled
    elsewhere = render_card(
        {**_metadata(), "command": "python -m core train --data mine.csv --out models/assets/model2"}
    )
    assert "make default-model" not in elsewhere


def test_card_says_when_identity_weights_were_balanced_per_term() -> None:
    flat = render_card(_metadata())
    assert "weighted x2.0 in the loss." in flat and "balance.py" not in flat
    metadata = _metadata()
    metadata["debias"]["config"] = {**metadata["debias"]["config"], "balance_cap": 6.0}
    balanced = render_card(metadata)
    assert "more often toxic or hateful than the average post" in balanced and "up to x6" in balanced


def test_card_says_when_the_model_reads_through_another_normaliser_than_it_was_trained_with() -> None:
    trained = render_card({**_metadata(normalizer="robust2"), "recipe": {"read_normalizer": None}})
    assert "--read-normalizer" not in trained
    reread = render_card({**_metadata(normalizer="robust2"), "recipe": {"read_normalizer": "robust2"}})
    assert "`--read-normalizer robust2`" in reread and "typographic quotes" in reread
