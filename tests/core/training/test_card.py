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


def test_card_states_the_long_post_window_rule() -> None:
    card = render_card(_metadata())
    assert "## Scoring long posts" in card
    assert "overlapping windows of 120 tokens, one every 60 tokens" in card and "highest of its windows" in card
