from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.cli import main
from core.errors import ModLensError
from core.registry import ModelRegistry, active_model_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def registry(tmp_path: Path, tiny_model_dir: Path) -> ModelRegistry:
    return ModelRegistry(tmp_path / "models", bundled=tiny_model_dir)


def test_version_zero_is_the_bundled_model_and_active_by_default(registry: ModelRegistry, tiny_model_dir) -> None:
    versions = registry.list()
    assert [v.version for v in versions] == [0]
    assert versions[0].active and versions[0].read_only and versions[0].path == tiny_model_dir
    assert registry.active_dir() == tiny_model_dir


def test_add_activate_and_delete(registry: ModelRegistry, tiny_model_dir: Path) -> None:
    first = registry.add(tiny_model_dir)
    second = registry.add(tiny_model_dir, activate=True)
    assert (first, second) == (1, 2)
    assert registry.active_version() == 2
    with pytest.raises(ModLensError, match="Version 2 is active"):
        registry.delete(2)
    registry.activate(1)
    registry.delete(2)
    assert [v.version for v in registry.list()] == [0, 1]
    assert registry.add(tiny_model_dir) == 3  # 2 was deleted: its number is never given again
    with pytest.raises(ModLensError, match="cannot be deleted"):
        registry.delete(0)
    with pytest.raises(ModLensError, match=r"Model version 9 does not exist\. Versions are: 0, 1, 3\."):
        registry.activate(9)


def test_thresholds_are_saved_in_the_version_metadata(registry: ModelRegistry, tiny_model_dir: Path) -> None:
    from core.model.classifier import ToxicityClassifier

    version = registry.add(tiny_model_dir)
    registry.set_thresholds(version, {"toxic": 0.42})
    assert ToxicityClassifier.load(registry.path_of(version)).thresholds_["toxic"] == pytest.approx(0.42)
    with pytest.raises(ModLensError, match="read-only"):
        registry.set_thresholds(0, {"toxic": 0.1})
    with pytest.raises(ModLensError, match="Unknown label"):
        registry.set_thresholds(version, {"spam": 0.1})


def test_a_copy_with_new_thresholds_is_one_change(registry: ModelRegistry, tiny_model_dir: Path) -> None:
    from core.model.metadata import read_metadata

    with pytest.raises(ModLensError, match="must be a number from 0 to 1"):
        registry.add(tiny_model_dir, event="model_copy", thresholds={"toxic": 1.5})
    assert [v.version for v in registry.list()] == [0]  # no copy is left without the thresholds
    version = registry.add(tiny_model_dir, event="model_copy", thresholds={"toxic": 0.42})
    assert read_metadata(registry.path_of(version)).thresholds["toxic"] == pytest.approx(0.42)
    assert read_metadata(tiny_model_dir).thresholds["toxic"] != pytest.approx(0.42)  # the source is untouched


def test_pointer_to_a_missing_version_falls_back_to_zero(registry: ModelRegistry, tiny_model_dir: Path) -> None:
    import shutil

    version = registry.add(tiny_model_dir, activate=True)
    shutil.rmtree(registry.versions_dir / f"v{version}")
    assert registry.active_version() == 0
    (registry.root / "active.json").write_text("{broken")
    assert registry.active_version() == 0


def test_active_model_dir_follows_the_registry_and_env(tiny_model_dir: Path, monkeypatch) -> None:
    registry = ModelRegistry()
    version = registry.add(tiny_model_dir, activate=True)
    monkeypatch.delenv("MODLENS_MODEL", raising=False)
    assert active_model_dir() == registry.path_of(version)
    monkeypatch.setenv("MODLENS_MODEL", "/somewhere/else")
    assert active_model_dir() == Path("/somewhere/else")


def test_a_kill_mid_save_leaves_the_registry_valid(registry: ModelRegistry, tiny_model_dir: Path, tmp_path: Path):
    registry.add(tiny_model_dir, activate=True)
    marker = tmp_path / "copying"
    script = f"""
import os, shutil, time
from pathlib import Path
from core.registry import ModelRegistry
real_copy = shutil.copyfileobj
def slow_copy(src, dst, *a, **k):
    out = real_copy(src, dst, *a, **k)
    Path({str(marker)!r}).write_text("x")
    time.sleep(60)
    return out
shutil.copyfileobj = slow_copy
ModelRegistry(Path({str(registry.root)!r}), bundled=Path({str(tiny_model_dir)!r})).add(
    Path({str(tiny_model_dir)!r}), activate=True)
"""
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.time() + 60
    while not marker.exists() and time.time() < deadline:
        time.sleep(0.1)
    assert marker.exists(), "the child never reached the middle of the save"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert [v.version for v in registry.list()] == [0, 1]
    assert registry.active_version() == 1
    assert registry.add(tiny_model_dir) == 3  # the killed save had taken number 2: never given twice


def test_models_cli(tiny_model_dir: Path, tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    assert main(["models", "add", str(tiny_model_dir), "--database", url]) == 0
    assert main(["models", "activate", "1", "--database", url]) == 0
    capsys.readouterr()
    assert main(["models", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(v["version"], v["active"]) for v in listed] == [(0, False), (1, True)]
    posts = tmp_path / "labelled.csv"
    posts.write_text("text,gold\nyou are an idiot,1\nwhat a nice day,0\nshut up stupid,1\nthanks for the help,0\n")
    assert main(["models", "add", str(tiny_model_dir)]) == 0
    capsys.readouterr()
    assert main(["models", "compare", "1", "2", "--data", str(posts), "--label-col", "gold", "--json"]) == 0
    compared = json.loads(capsys.readouterr().out)
    assert set(compared) == {"1", "2"}
    assert compared["1"]["n"] == 4 and compared["1"]["roc_auc"] == compared["2"]["roc_auc"]
    assert main(["models", "delete", "1"]) == 2
    assert "Version 1 is active" in capsys.readouterr().err
    assert main(["models", "activate", "2", "--database", url]) == 0
    assert main(["models", "delete", "1", "--database", url]) == 0
    _assert_cli_changes_audited(url)


def _assert_cli_changes_audited(url: str) -> None:
    """The changes made with ``--database url`` are in its audit log, done by ``cli:<os user>``."""
    from core.store.audit import audit_events
    from core.store.connect import close_databases
    from core.store.roles import operator_actor

    try:
        events = audit_events(_db(url), operator_actor())
    finally:
        close_databases()
    models = events[events["entity_type"] == "model"].iloc[::-1]
    assert models["action"].tolist() == ["model_train", "model_activate", "model_activate", "model_delete"]
    assert set(models["actor"]) == {operator_actor().name}


def test_a_deleted_highest_version_number_is_never_reused(registry: ModelRegistry, tiny_model_dir: Path) -> None:
    assert registry.add(tiny_model_dir) == 1
    assert registry.add(tiny_model_dir) == 2
    registry.delete(2)
    registry.delete(1)
    assert registry.add(tiny_model_dir) == 3
    reopened = ModelRegistry(registry.root, bundled=tiny_model_dir)
    assert reopened.add(tiny_model_dir) == 4


def test_add_copies_only_the_model_files(registry: ModelRegistry, tiny_model_dir: Path, tmp_path: Path) -> None:
    import shutil

    source = tmp_path / "trained"
    shutil.copytree(tiny_model_dir, source)
    (source / "scratch.bin").write_bytes(b"x" * 10)
    (source / "checkpoints").mkdir()
    (source / "checkpoints" / "epoch1.keras").write_bytes(b"y")
    version = registry.add(source)
    copied = sorted(p.name for p in registry.path_of(version).iterdir())
    assert copied == sorted(p.name for p in tiny_model_dir.iterdir())


@pytest.mark.parametrize("name", ["metadata.json", "model.keras", "model_card.md"])
def test_add_refuses_a_model_directory_holding_a_link(
    registry: ModelRegistry, tiny_model_dir: Path, tmp_path: Path, name: str
) -> None:
    import shutil

    secret = tmp_path / "secret.txt"
    secret.write_text("private key")
    source = tmp_path / "trained"
    shutil.copytree(tiny_model_dir, source)
    original = source / name
    kept = tmp_path / f"real-{name}"
    shutil.move(original, kept)
    original.symlink_to(kept if name != "model_card.md" else secret)
    with pytest.raises(ModLensError, match="symbolic link"):
        registry.add(source)
    assert [v.version for v in registry.list()] == [0]
    assert not any("private key" in p.read_text(errors="ignore") for p in registry.root.rglob("*") if p.is_file())


def test_add_refuses_a_link_loop_with_a_clear_message(registry: ModelRegistry, tmp_path: Path, capsys) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(ModLensError, match="symbolic link"):
        registry.add(loop)
    inner = tmp_path / "model"
    inner.mkdir()
    (inner / "metadata.json").symlink_to(inner / "metadata.json")
    with pytest.raises(ModLensError, match="symbolic link"):
        registry.add(inner)
    assert main(["models", "add", str(loop)]) == 2
    assert "unexpected" not in capsys.readouterr().err


def test_delete_never_removes_files_modlens_did_not_write(registry: ModelRegistry, tiny_model_dir: Path) -> None:
    version = registry.add(tiny_model_dir)
    path = registry.path_of(version)
    (path / "notes.txt").write_text("mine")
    with pytest.raises(ModLensError, match=r"notes\.txt"):
        registry.delete(version)
    assert (path / "notes.txt").read_text() == "mine"


def test_delete_never_follows_a_linked_version_into_the_users_folder(
    registry: ModelRegistry, tiny_model_dir: Path, tmp_path: Path
) -> None:
    import shutil

    own = tmp_path / "my-model"
    shutil.copytree(tiny_model_dir, own)
    registry.versions_dir.mkdir(parents=True, exist_ok=True)
    (registry.versions_dir / "v5").symlink_to(own, target_is_directory=True)
    with pytest.raises(ModLensError, match="symbolic link"):
        registry.delete(5)
    assert sorted(p.name for p in own.iterdir()) == sorted(p.name for p in tiny_model_dir.iterdir())
    assert (registry.versions_dir / "v5").is_symlink()


def test_delete_refuses_a_version_holding_a_folder_where_a_file_belongs(
    registry: ModelRegistry, tiny_model_dir: Path
) -> None:
    version = registry.add(tiny_model_dir)
    path = registry.path_of(version)
    (path / "model_card.md").unlink()
    (path / "model_card.md").mkdir()
    (path / "model_card.md" / "mine.txt").write_text("mine")
    with pytest.raises(ModLensError, match=r"model_card\.md"):
        registry.delete(version)
    assert (path / "model_card.md" / "mine.txt").read_text() == "mine"
    assert version in [v.version for v in registry.list()]


def test_registry_root_is_never_home_or_a_system_folder(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: home))
    with pytest.raises(ModLensError, match=r"Refusing to use .* your home folder"):
        ModelRegistry(home, bundled=tiny_model_dir).add(tiny_model_dir)
    assert list(home.iterdir()) == []


def test_registry_changes_by_an_actor_need_an_admin_and_are_audited(registry: ModelRegistry, tmp_path: Path) -> None:
    from core.errors import PermissionDenied
    from core.store import users
    from core.store.audit import audit_events
    from core.store.connect import close_databases
    from core.store.roles import operator_actor

    url = f"sqlite:///{tmp_path / 'audit.db'}"
    try:
        users.add_user(_db(url), operator_actor(), "boss", "admin", "boss-password")
        users.add_user(_db(url), operator_actor(), "ana", "analyst", "ana-password")
        boss, ana = users.user_actor(_db(url), "boss"), users.user_actor(_db(url), "ana")
        with pytest.raises(PermissionDenied, match="ana is an analyst"):
            registry.add(registry.bundled, actor=ana, database=url)
        version = registry.add(registry.bundled, actor=boss, database=url)
        with pytest.raises(PermissionDenied, match="ana is an analyst"):
            registry.activate(version, actor=ana, database=url)
        assert registry.active_version() == 0  # refused before anything changed
        registry.activate(version, actor=boss, database=url)
        registry.set_thresholds(version, {"toxic": 0.3}, actor=boss, database=url)
        registry.activate(0, actor=boss, database=url)
        registry.delete(version, actor=boss, database=url)
        events = audit_events(_db(url), boss)
        models = events[events["entity_type"] == "model"]
        assert models["action"].tolist() == [
            "model_delete",
            "model_activate",
            "threshold_change",
            "model_activate",
            "model_train",
        ]
        assert models["after"].iloc[4] == {"version": version, "name": "tiny-test-model", "activated": False}
        assert models["after"].iloc[3] == {"version": version} and models["before"].iloc[3] == {"version": 0}
        assert models["after"].iloc[2]["toxic"] == pytest.approx(0.3)
    finally:
        close_databases()


def test_a_model_change_and_its_audit_event_happen_together_or_not_at_all(
    registry: ModelRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.store.audit as audit_module
    from core.store import users
    from core.store.audit import audit_events
    from core.store.connect import close_databases
    from core.store.roles import operator_actor

    url = f"sqlite:///{tmp_path / 'audit.db'}"
    try:
        users.add_user(_db(url), operator_actor(), "boss", "admin", "boss-password")
        boss = users.user_actor(_db(url), "boss")
        version = registry.add(registry.bundled, actor=boss, database=url)

        def broken_log(*args, **kwargs):
            raise RuntimeError("the audit log cannot be written")

        with monkeypatch.context() as patch:
            patch.setattr(audit_module, "add_event", broken_log)
            with pytest.raises(RuntimeError):
                registry.activate(version, actor=boss, database=url)
            with pytest.raises(RuntimeError):
                registry.delete(version, actor=boss, database=url)
        assert registry.active_version() == 0 and version in [v.version for v in registry.list()]

        def broken_disk(*args, **kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(registry, "_write_active", broken_disk)
        with pytest.raises(ModLensError, match="No space left on device"):  # a full disk: one line, not a bug
            registry.activate(version, actor=boss, database=url)
        events = audit_events(_db(url), boss)
        assert events[events["entity_type"] == "model"]["action"].tolist() == ["model_train"]
    finally:
        close_databases()


def test_registry_without_an_actor_touches_no_database(registry: ModelRegistry, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MODLENS_DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")
    registry.activate(registry.add(registry.bundled))
    assert not (tmp_path / "never.db").exists()


def _db(url: str):
    from core.store.connect import open_database

    return open_database(url)


def test_a_registry_that_cannot_be_written_is_a_one_line_error(tmp_path: Path, monkeypatch, capsys) -> None:
    import errno

    from core.errors import OutputError

    registry = ModelRegistry(tmp_path / "models", bundled=tmp_path / "bundled")
    registry.activate(0)
    before = (registry.root / "active.json").read_text()

    def full_disk(target: object, text: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("core.registry.atomic_write_text", full_disk)
    with pytest.raises(OutputError, match=r"Cannot change the model registry in .*: No space left on device"):
        registry.activate(0)
    assert (registry.root / "active.json").read_text() == before
    monkeypatch.setenv("MODLENS_HOME", str(tmp_path))
    monkeypatch.setattr("core.store.roles.operator_actor", lambda: None)  # no audit database for this check
    assert main(["models", "activate", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Cannot change the model registry") and err.count("\n") == 1
