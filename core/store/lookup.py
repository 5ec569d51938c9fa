"""Rows looked up by id with an actionable error when they are missing (shared by batches and queues)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.errors import ModLensError
from core.store.schema import Batch


def get_batch(session: Session, batch_id: int) -> Batch:
    """The batch row, or a helpful error."""
    row = session.get(Batch, batch_id)
    if row is None:
        raise ModLensError(f"Batch {batch_id} does not exist. Choose one of the saved batches.")
    return row
