"""AppTest: opening a saved batch while an upload's scoring job waits in line: the opened batch stays.

The older job still finishes (other sessions' jobs hold the server's workers until
released), but its scores must not replace the batch the person opened after it.
"""

from __future__ import annotations

from core.store.batches import list_batches
from core.store.connect import open_database
from core.store.roles import operator_actor
from tests.ui.fake_model import KeywordModel
from tests.ui.pages.apptest import paste, results_table
from tests.ui.pages.test_waiting_in_line import Busy
from tests.ui.pages.workspace import signed_in
from ui.sections.score import saved

FIRST = "you idiot\nhello there\n"
LATER = "loser\nnice day\nI hate you\n"


def test_opening_a_saved_batch_wins_over_a_waiting_scoring_job(fake_model: KeywordModel, team) -> None:
    at = signed_in("ana")
    at.switch_page("pages/score.py").run()
    paste(at, FIRST)
    [batch] = list_batches(open_database(), operator_actor())
    busy = Busy(waiting=0)
    try:
        paste(at, LATER)  # waits in line behind the other sessions' jobs
        assert not at.exception
        at.selectbox(key=saved.KEYS("pick")).set_value(batch.id)
        at.button(key=saved.KEYS("open")).click()
        at.run()
        assert not at.exception
        assert results_table(at)["text"].tolist() == ["you idiot", "hello there"]
    finally:
        busy.release()
    at.run()  # the older job has finished by now
    assert not at.exception
    assert results_table(at)["text"].tolist() == ["you idiot", "hello there"]  # still the opened batch
    assert len(list_batches(open_database(), operator_actor())) == 1  # the dropped posts were not saved
