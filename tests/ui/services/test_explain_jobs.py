"""One post's explanation as a job: answered from the caches only for a session allowed to explain."""

from __future__ import annotations

import pytest

from core.errors import PermissionDenied
from tests.ui.fake_model import KeywordModel
from ui.services import explain_jobs, models


def test_a_cached_explanation_is_answered_only_to_a_session_allowed_to_explain(
    team: dict[str, str], fake_model: KeywordModel
) -> None:
    version = models.model_version(fake_model)
    explained = explain_jobs.explain_now("you idiot", fake_model.predict_proba, fake_model.labels_, version)
    assert len(explained.attributions.tokens)  # every part is cached now
    with pytest.raises(PermissionDenied):  # accounts exist and nobody is signed in
        explain_jobs.cached_explained("you idiot", version, fake_model.labels_)
