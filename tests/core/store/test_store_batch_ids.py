"""A reopened batch shows its id column as the file had it: empty ids stay empty."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.store.batches import BatchInput, open_batch, save_batch
from core.store.roles import demo_actor
from core.store.schema import Item


def test_empty_ids_are_not_filled_with_row_numbers_when_a_batch_is_reopened(db) -> None:
    frame = pd.DataFrame({"id": ["7", None, "9"], "text": ["you idiot", "nice", "hello"]}, dtype="string")
    batch = BatchInput(
        frame=frame,
        text_col="text",
        id_col="id",
        labels=("toxic",),
        scores=np.array([[0.9], [0.1], [0.2]]),
        thresholds={"toxic": 0.5},
        model_version="v1",
        file_name="posts.csv",
    )
    saved = save_batch(db, demo_actor(), batch)
    reopened = open_batch(db, demo_actor(), saved.id).frame
    assert reopened["id"].isna().tolist() == [False, True, False]
    assert reopened["id"].dropna().tolist() == ["7", "9"]
    with db.read() as session:  # the review queue still names the post without an id by its row number
        assert sorted(session.query(Item.external_id).all()) == [("2",), ("7",), ("9",)]
