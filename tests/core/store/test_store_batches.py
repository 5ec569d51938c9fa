from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import ModLensError, PermissionDenied
from core.store.audit import AuditFilter, audit_events
from core.store.batches import (
    BatchInput,
    find_id_column,
    list_batches,
    open_batch,
    save_batch,
    set_batch_thresholds,
)
from core.store.queues import QueueRequest
from core.store.roles import demo_actor
from core.store.rules import Flagged
from tests.db_fixtures import batch_input


def test_save_and_reopen_gives_the_table_back_without_rescoring(db) -> None:
    batch = batch_input(20)
    saved = save_batch(db, demo_actor(), batch)
    assert (saved.row_count, saved.created_by, saved.labels) == (20, "local-admin", ("toxic", "hate"))
    assert saved.content_hash == "0" * 64 and list_batches(db, demo_actor())[0].content_hash == "0" * 64
    reopened = open_batch(db, demo_actor(), saved.id)
    frame = reopened.frame
    assert list(frame.columns) == [
        "id",
        "author",
        "text",
        "lang",
        "score_toxic",
        "flag_toxic",
        "score_hate",
        "flag_hate",
    ]
    pd.testing.assert_frame_equal(frame[["id", "author", "text", "lang"]], batch.frame, check_dtype=False)
    np.testing.assert_allclose(frame[["score_toxic", "score_hate"]].to_numpy(), batch.scores, atol=1e-6)
    assert frame["flag_toxic"].tolist() == [int(i / 20 >= 0.5) for i in range(20)]
    assert reopened.thresholds == {"toxic": 0.5, "hate": 0.5} and reopened.model_version.startswith("v7")
    assert len(reopened.item_ids) == 20 and len(set(reopened.item_ids.tolist())) == 20


def test_thresholds_are_saved_with_the_batch_and_audited(db, team) -> None:
    saved = save_batch(db, team["ana"], batch_input(10))
    set_batch_thresholds(db, team["ana"], saved.id, {"toxic": 0.85})
    reopened = open_batch(db, team["rev"], saved.id)
    assert reopened.thresholds == {"toxic": 0.85, "hate": 0.5}
    assert reopened.frame["flag_toxic"].sum() == 1  # only 0.9 >= 0.85
    events = audit_events(db, team["admin"], AuditFilter(entity_type="batch", entity_id=str(saved.id)))
    assert events["action"].tolist() == ["threshold_change", "batch_save"]
    assert events["before"].iloc[0]["toxic"] == 0.5 and events["after"].iloc[0]["toxic"] == 0.85
    with pytest.raises(ModLensError, match="Unknown label"):
        set_batch_thresholds(db, team["ana"], saved.id, {"spam": 0.1})


def test_without_an_id_column_the_row_numbers_are_the_ids(db) -> None:
    frame = pd.DataFrame({"body": ["a", None, "  "], "x": [1, 2, 3]})
    batch = BatchInput(
        frame=frame,
        text_col="body",
        scores=np.array([[0.1], [0.2], [0.3]]),
        labels=("toxic",),
        thresholds={"toxic": 0.5},
        model_version="m",
    )
    saved = save_batch(db, demo_actor(), batch)
    reopened = open_batch(db, demo_actor(), saved.id).frame
    assert reopened["body"].tolist() == ["a", "", "  "]  # missing text is kept as empty, as scored
    assert reopened["x"].tolist() == [1, 2, 3]
    assert find_id_column(["Text", "Post_ID"]) == "Post_ID" and find_id_column(["text"]) is None


def test_from_scored_takes_the_score_columns() -> None:
    scored = pd.DataFrame({"text": ["a", "b"], "score_toxic": [0.2, 0.9], "flag_toxic": [0, 1]})
    batch = BatchInput.from_scored(
        scored, text_col="text", labels=["toxic"], thresholds={"toxic": 0.5}, model_version="m"
    )
    assert batch.scores.tolist() == [[0.2], [0.9]]
    with pytest.raises(ModLensError, match="lacks score_hate"):
        BatchInput.from_scored(scored, text_col="text", labels=["hate"], thresholds={"hate": 0.5}, model_version="m")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id_col": "nope"}, "The id column 'nope' is not in the file"),
        ({"scores": np.full((20, 2), 1.5)}, "Scores must be numbers between 0 and 1"),
        ({"scores": np.zeros((3, 2))}, r"Expected scores of shape \(20, 2\)"),
        ({"thresholds": {"toxic": 0.5}}, "Every label needs a threshold"),
    ],
)
def test_bad_batches_are_refused(db, overrides: dict, message: str) -> None:
    with pytest.raises(ModLensError, match=message):
        save_batch(db, demo_actor(), batch_input(20, **overrides))
    assert list_batches(db, demo_actor()) == []


def test_batch_and_queue_are_saved_together_or_not_at_all(db) -> None:
    save_batch(db, demo_actor(), batch_input(5), queue=QueueRequest("taken", Flagged()))
    with pytest.raises(ModLensError, match="Queue 'taken' exists already"):
        save_batch(db, demo_actor(), batch_input(7), queue=QueueRequest("taken", Flagged()))
    assert [b.row_count for b in list_batches(db, demo_actor())] == [5]


def test_list_batches_newest_first_and_by_user(db, team) -> None:
    save_batch(db, team["ana"], batch_input(3, file_name="one.csv"))
    save_batch(db, team["rev"], batch_input(4, file_name="two.csv"))
    assert [b.file_name for b in list_batches(db, team["ana"])] == ["two.csv", "one.csv"]
    assert [b.file_name for b in list_batches(db, team["ana"], created_by="ana")] == ["one.csv"]
    assert all(b.frame is None for b in list_batches(db, team["ana"]))


def test_saving_needs_a_valid_account(db, team) -> None:
    with pytest.raises(PermissionDenied, match="Accounts exist now"):
        save_batch(db, demo_actor(), batch_input(3))
    with pytest.raises(ModLensError, match="Batch 99 does not exist"):
        open_batch(db, team["ana"], 99)


def test_hostile_text_is_stored_as_written_except_what_no_database_can_hold(db) -> None:
    texts = ["<script>alert(1)</script>", "nul\x00byte", "lone \ud800 surrogate", "=1+1", "emoji 😀 ok"]
    frame = pd.DataFrame({"text": texts, "id": ["a\x00", "b", "c", "d", "e"]}, dtype=object)
    batch = BatchInput(
        frame=frame,
        text_col="text",
        scores=np.full((5, 1), 0.5),
        labels=("toxic",),
        thresholds={"toxic": 0.5},
        model_version="m",
        id_col="id",
    )
    reopened = open_batch(db, demo_actor(), save_batch(db, demo_actor(), batch).id).frame
    assert reopened["text"].tolist() == [
        "<script>alert(1)</script>",
        "nul\ufffdbyte",
        "lone \ufffd surrogate",
        "=1+1",
        "emoji 😀 ok",
    ]
    assert reopened["id"].iloc[0] == "a\ufffd"


def test_a_column_name_longer_than_the_store_keeps_is_refused_on_every_database(db) -> None:
    long = "t" * 300
    frame = batch_input(20).frame.rename(columns={"text": long})
    with pytest.raises(ModLensError, match="Rename the column"):
        save_batch(db, demo_actor(), batch_input(20, frame=frame, text_col=long))
    assert list_batches(db, demo_actor()) == []
