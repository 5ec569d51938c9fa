from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.errors import ModLensError, PermissionDenied
from core.store.claims import find_item
from core.store.decisions import decide
from core.store.exports import decisions_frame, export_decisions, training_data
from core.store.files import write_frame_atomic
from tests.db_fixtures import batch_input

EXPORT_COLUMNS = [
    "item_id",
    "id",
    "text",
    "score_toxic",
    "score_hate",
    "status",
    "action",
    "reason",
    "note",
    "reviewer",
    "decided_at",
    "model_version",
]


def test_export_has_one_row_per_post_csv_escaped_and_parquet(db, team, make_queue, tmp_path) -> None:
    frame = batch_input(4).frame.assign(text=['=HYPERLINK("http://x")', "+1", "@me", "plain"])
    queue = make_queue(team["ana"], n=4, frame=frame)
    decide(db, team["rev"], find_item(db, team["rev"], queue, "p1"), "remove", reason="spam", note="-rm")
    table = decisions_frame(db, team["ana"], queue)
    assert list(table.columns) == EXPORT_COLUMNS and len(table) == 4
    assert table["action"].isna().sum() == 3 and table.loc[1, "reviewer"] == "rev"
    csv = export_decisions(db, team["ana"], queue, tmp_path / "out.csv")
    read = pd.read_csv(csv, dtype=str, keep_default_na=False)
    assert list(read.columns) == EXPORT_COLUMNS
    assert read["text"].tolist() == ['\'=HYPERLINK("http://x")', "+1", "'@me", "plain"]  # +1 is a number
    assert read.loc[1, "note"] == "'-rm" and read.loc[0, "action"] == ""
    parquet = pd.read_parquet(export_decisions(db, team["ana"], queue, tmp_path / "out.parquet"))
    assert parquet["text"].iloc[0] == '=HYPERLINK("http://x")' and parquet["action"].iloc[1] == "remove"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary files left


def test_writes_escape_headers_and_never_leave_half_files(tmp_path, monkeypatch) -> None:
    import core.store.files as files

    target = tmp_path / "x.csv"
    write_frame_atomic(pd.DataFrame({"=cmd": ["a"], "ok": ["b"]}), target)
    assert target.read_text().splitlines()[0] == "'=cmd,ok"
    before = target.read_bytes()
    with pytest.raises(ModLensError, match=r"use a file name ending in \.csv or \.parquet"):
        write_frame_atomic(pd.DataFrame({"a": [1]}), tmp_path / "x.xlsx")

    class Failing:
        def to_csv(self, **kwargs):
            raise TypeError("cannot convert")

    monkeypatch.setattr(files, "escaped_csv_frame", lambda frame: Failing())
    with pytest.raises(TypeError):
        write_frame_atomic(pd.DataFrame({"a": [2]}), target)
    assert target.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["x.csv"]


def test_exports_refuse_pipes_and_keep_the_replaced_files_permissions(tmp_path) -> None:
    import os
    import stat

    from core.errors import OutputError

    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    with pytest.raises(OutputError, match="not a regular file"):
        write_frame_atomic(pd.DataFrame({"a": [1]}), pipe)
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    target = tmp_path / "shared.csv"
    target.write_text("old\n")
    os.chmod(target, 0o644)
    write_frame_atomic(pd.DataFrame({"a": [1]}), target)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644 and target.read_text() == "a\n1\n"


def test_reviewed_posts_become_training_data(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=8, reviews_required=2)
    actions = {
        "p0": ("approve", "approve"),
        "p1": ("remove", "remove"),
        "p2": ("remove", "approve"),
        "p3": ("escalate", None),
        "p4": ("skip", None),
        "p5": ("remove", "escalate"),  # escalated: reviewers disagree
        "p6": ("remove", None),  # still waiting for its second review
    }
    for external_id, (first, second) in actions.items():
        item = find_item(db, team["rev"], queue, external_id)
        decide(db, team["rev"], item, first, labels=["toxic", "hate"] if external_id == "p1" else None)
        if second:
            decide(db, team["rev2"], item, second)
    with pytest.raises(PermissionDenied):
        training_data(db, team["rev"])
    data = training_data(db, team["admin"], [queue])
    assert data.label_names == ("toxic", "hate")
    assert data.texts == ["post 0 about muslim neighbours", "post number 1"]  # p2: reviewers disagree
    assert data.item_ids.tolist() == [find_item(db, team["rev"], queue, p) for p in ("p0", "p1")]
    np.testing.assert_array_equal(data.labels, [[0.0, 0.0], [1.0, 1.0]])
    frame = data.to_frame()
    assert list(frame.columns) == ["text", "toxic", "hate"]
    with pytest.raises(ModLensError, match="Queue 'nope' does not exist"):
        training_data(db, team["admin"], ["nope"])


def test_an_escalated_post_counts_once_a_later_decision_settles_it(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=2)
    item = find_item(db, team["rev"], queue, "p0")
    decide(db, team["rev"], item, "escalate")
    assert training_data(db, team["admin"], [queue]).texts == []
    decide(db, team["rev2"], item, "remove")
    data = training_data(db, team["admin"], [queue])
    assert data.texts == ["post 0 about muslim neighbours"] and data.labels[0, 0] == 1.0


def test_a_removal_without_labels_leaves_the_other_labels_unknown(db, team, make_queue) -> None:
    queue = make_queue(team["ana"], n=2)
    decide(db, team["rev"], find_item(db, team["rev"], queue, "p0"), "remove")
    data = training_data(db, team["admin"])
    assert data.labels[0, 0] == 1.0 and np.isnan(data.labels[0, 1])


def test_parquet_export_keeps_decided_at_a_timestamp_and_csv_writes_iso_text(db, team, make_queue, tmp_path) -> None:
    queue = make_queue(team["ana"], n=2)
    decided = decide(db, team["rev"], find_item(db, team["rev"], queue, "p1"), "remove")
    parquet = pd.read_parquet(export_decisions(db, team["ana"], queue, tmp_path / "out.parquet"))
    assert isinstance(parquet["decided_at"].dtype, pd.DatetimeTZDtype)
    assert parquet.loc[1, "decided_at"] == decided.decided_at and pd.isna(parquet.loc[0, "decided_at"])
    read = pd.read_csv(export_decisions(db, team["ana"], queue, tmp_path / "out.csv"), dtype=str)
    assert read.loc[1, "decided_at"] == decided.decided_at.isoformat()
