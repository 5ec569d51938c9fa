"""Model registry: numbered versions of model directories and a pointer to the active one.

Layout under the registry root (default ``~/.modlens/models``, or ``$MODLENS_HOME/models``)::

    versions/v1/ ...    model directories (``model.keras``, ``metadata.json``, ``model_card.md``)
    active.json         {"version": 1}
    counter.json        {"last": 3}: the highest number ever given, so a number is never reused

Version 0 is the bundled ``assets/model/``: always present, read-only. Every write
is a rename of a fully written temporary file or directory, and the active pointer
is only ever set to a version that exists, so a crash at any point leaves a valid
registry. A pointer to a version that has gone missing falls back to version 0.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import ModelError, ModLensError, OutputError
from core.io.atomic import atomic_write_text
from core.io.targets import refuse_dangerous_folder
from core.model.artifact import MODEL_FILES
from core.model.metadata import METADATA_FILE, ModelMetadata, read_metadata, write_metadata
from core.paths import DEFAULT_MODEL_DIR, MODEL_ENV

if TYPE_CHECKING:
    from core.store.roles import Actor

HOME_ENV = "MODLENS_HOME"
ACTIVE_FILE = "active.json"
COUNTER_FILE = "counter.json"


def default_root() -> Path:
    """``$MODLENS_HOME/models`` if set, else ``~/.modlens/models`` (outside the repository)."""
    home = os.environ.get(HOME_ENV)
    return (Path(home) if home else Path.home() / ".modlens") / "models"


def active_model_dir() -> Path:
    """The model used when none is given.

    ``$MODLENS_MODEL`` if set (a model directory), else the registry's active version,
    which is the bundled default model until another version is activated.
    """
    override = os.environ.get(MODEL_ENV)
    if override:
        return Path(override)
    return ModelRegistry().active_dir()


@dataclass(frozen=True)
class ModelVersion:
    """One registered model version.

    ``metadata`` is None and ``error`` says why when the version's ``metadata.json``
    is missing or damaged; such a version is still listed, so it can be seen and deleted.
    """

    version: int
    path: Path
    name: str
    created: str
    labels: tuple[str, ...]
    thresholds: Mapping[str, float]
    headline: Mapping[str, float | None]
    active: bool
    read_only: bool
    metadata: ModelMetadata | None = None
    error: str | None = None


class ModelRegistry:
    """Numbered model versions with one active version; safe against crashes mid-write."""

    def __init__(self, root: Path | None = None, bundled: Path = DEFAULT_MODEL_DIR) -> None:
        self.root = Path(root) if root is not None else default_root()
        self.bundled = Path(bundled)

    # -- queries ------------------------------------------------------------------------
    @property
    def versions_dir(self) -> Path:
        """Folder holding ``v1``, ``v2``, ..."""
        return self.root / "versions"

    def path_of(self, version: int) -> Path:
        """Directory of a version; raises when it does not exist."""
        if version == 0:
            return self.bundled
        path = self.versions_dir / f"v{version}"
        if not (path / METADATA_FILE).exists():
            known = ", ".join(str(v.version) for v in self.list())
            raise ModLensError(f"Model version {version} does not exist. Versions are: {known}.")
        return path

    def active_version(self) -> int:
        """The active version; 0 when none was chosen or the chosen one has disappeared."""
        try:
            version = int(json.loads((self.root / ACTIVE_FILE).read_text())["version"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0
        if version != 0 and not (self.versions_dir / f"v{version}" / METADATA_FILE).exists():
            return 0
        return version

    def active_dir(self) -> Path:
        """Directory of the active version."""
        return self.path_of(self.active_version())

    def list(self) -> list[ModelVersion]:
        """All versions, oldest first (version 0, the bundled model, first)."""
        active = self.active_version()
        children = self.versions_dir.iterdir() if self.versions_dir.exists() else []
        numbers = sorted(
            int(p.name[1:])
            for p in children
            if p.name.startswith("v") and p.name[1:].isdigit() and (p / METADATA_FILE).exists()
        )
        found = [0, *numbers]
        return [self._describe(v, active) for v in found]

    def _describe(self, version: int, active: int) -> ModelVersion:
        path = self.bundled if version == 0 else self.versions_dir / f"v{version}"
        try:
            meta: ModelMetadata | None = read_metadata(path)
            error = None
        except ModLensError as exc:
            meta, error = None, str(exc)
        return ModelVersion(
            version=version,
            path=path,
            name=meta.name if meta else "(damaged)",
            created=meta.created if meta else "",
            labels=meta.labels if meta else (),
            thresholds=dict(meta.thresholds) if meta else {},
            headline=dict(meta.headline) if meta else {},
            active=version == active,
            read_only=version == 0,
            metadata=meta,
            error=error,
        )

    # -- changes ------------------------------------------------------------------------
    def add(
        self,
        model_dir: Path,
        *,
        activate: bool = False,
        actor: Actor | None = None,
        database: str | None = None,
        event: str = "model_train",
        thresholds: Mapping[str, float] | None = None,
    ) -> int:
        """Copy a saved model directory in as the next version; returns its number.

        Only the regular files a model directory needs are copied (``model.keras``,
        ``metadata.json``, ``model_card.md``); a symbolic link among them is refused,
        so nothing outside the directory can be pulled into the registry. With an
        ``actor`` the change needs the admin role and is recorded as ``event``
        (``model_train`` for a trained model, ``model_copy`` for a copy of a version).
        ``thresholds`` are stored in the copy before it appears (a copy of the read-only
        version 0 with new thresholds is one change: no copy is left without them).
        """
        model_dir = Path(model_dir)
        _refuse_links(model_dir)
        metadata = read_metadata(model_dir)
        updated = metadata.with_thresholds(thresholds) if thresholds else None  # checked before anything is copied
        audit = _Audit(actor, database)
        with audit.changing() as record, self._lock():
            self.versions_dir.mkdir(parents=True, exist_ok=True)
            version = self._next_version()
            staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=self.versions_dir))
            try:
                (staging / "model").mkdir()
                for name in MODEL_FILES:
                    if (model_dir / name).exists():  # read_metadata checked metadata.json; load checks the rest
                        _copy_regular_file(model_dir / name, staging / "model" / name)
                after: dict[str, Any] = {
                    "version": version,
                    "name": str(metadata.get("name", "")),
                    "activated": activate,
                }
                if updated is not None:
                    write_metadata(staging / "model", updated)
                    after["thresholds"] = dict(updated.thresholds)
                record(event, version, after=after)
                os.replace(staging / "model", self.versions_dir / f"v{version}")
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            if activate:
                self._write_active(version)
        return version

    def save(
        self,
        clf: Any,
        *,
        metadata: Mapping[str, Any] | None = None,
        card: str = "",
        activate: bool = False,
        actor: Actor | None = None,
        database: str | None = None,
    ) -> int:
        """Save a fitted classifier as the next version (atomically); returns its number.

        With an ``actor``, recorded as ``model_train`` (admins only), as :meth:`activate` is.
        """
        audit = _Audit(actor, database)
        with audit.changing() as record, self._lock():
            self.versions_dir.mkdir(parents=True, exist_ok=True)
            version = self._next_version()
            name = str(dict(metadata or {}).get("name", ""))
            record("model_train", version, after={"version": version, "name": name, "activated": activate})
            clf.save(self.versions_dir / f"v{version}", metadata=dict(metadata or {}), card=card)
            if activate:
                self._write_active(version)
        return version

    def activate(self, version: int, *, actor: Actor | None = None, database: str | None = None) -> None:
        """Make ``version`` the one scoring uses everywhere.

        With an ``actor`` the change needs the admin role and is recorded in the audit log
        of ``database`` (default database when None); without one no database is touched.
        """
        audit = _Audit(actor, database)
        with audit.changing() as record, self._lock():
            self.path_of(version)
            before = self.active_version()
            record("model_activate", version, before={"version": before}, after={"version": version})
            self._write_active(version)

    def delete(self, version: int, *, actor: Actor | None = None, database: str | None = None) -> None:
        """Delete a version (not 0, and not the active one); audited as :meth:`activate` is."""
        if version == 0:
            raise ModLensError("Version 0 is the bundled default model and cannot be deleted.")
        audit = _Audit(actor, database)
        with audit.changing() as record, self._lock():
            path = self.path_of(version)
            if self.active_version() == version:
                raise ModLensError(f"Version {version} is active. Activate another version first.")
            if path.is_symlink() or not path.is_dir():
                raise ModelError(
                    f"Version {version} ({path}) is a symbolic link or not a folder, so ModLens did not write it; "
                    "it was not deleted. Remove the link yourself if the version should go."
                )
            foreign = sorted(
                p.name for p in path.iterdir() if p.name not in MODEL_FILES or p.is_symlink() or not p.is_file()
            )
            if foreign:
                raise ModelError(
                    f"Version {version} ({path}) holds files ModLens did not write ({', '.join(foreign[:5])}); "
                    "it was not deleted. Move those files away first."
                )
            described = self._describe(version, self.active_version())
            record("model_delete", version, before={"name": described.name, "created": described.created})
            trash = self.versions_dir / f".deleted-v{version}-{os.getpid()}"
            os.replace(path, trash)
            for name in MODEL_FILES:
                with contextlib.suppress(FileNotFoundError):
                    (trash / name).unlink()
            trash.rmdir()

    def set_thresholds(
        self,
        version: int,
        thresholds: Mapping[str, float],
        *,
        actor: Actor | None = None,
        database: str | None = None,
    ) -> None:
        """Store new per-label thresholds in a version's metadata (atomically); audited as :meth:`activate` is."""
        if version == 0:
            raise ModLensError(
                "Version 0 is the bundled model and read-only. Save the thresholds as a new version instead."
            )
        audit = _Audit(actor, database)
        with audit.changing() as record, self._lock():
            path = self.path_of(version)
            metadata = read_metadata(path)
            updated = metadata.with_thresholds(thresholds)
            record("threshold_change", version, before=dict(metadata.thresholds), after=dict(updated.thresholds))
            write_metadata(path, updated)

    # -- internals ----------------------------------------------------------------------
    def _next_version(self) -> int:
        """The next number: above every version present and every number ever given (persisted first)."""
        numbers = [
            int(p.name[1:]) for p in self.versions_dir.iterdir() if p.name.startswith("v") and p.name[1:].isdigit()
        ]
        try:
            last = int(json.loads((self.root / COUNTER_FILE).read_text())["last"])
        except (OSError, ValueError, KeyError, TypeError):
            last = 0
        version = max([last, *numbers]) + 1
        atomic_write_text(self.root / COUNTER_FILE, json.dumps({"last": version}) + "\n")
        return version

    def _write_active(self, version: int) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.root / ACTIVE_FILE, json.dumps({"version": version}) + "\n")

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """Serialise writers across processes with an advisory file lock (in a root that is safe to fill).

        A registry that cannot be written (a full disk, a read-only folder) is an
        :class:`~core.errors.OutputError`; every write is a rename, so the registry is left as it was.
        """
        refuse_dangerous_folder(self.root, what="model registry")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with open(self.root / ".lock", "w") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        except OSError as exc:
            reason = exc.strerror or " ".join(str(exc).split()) or type(exc).__name__
            raise OutputError(
                f"Cannot change the model registry in '{self.root}': {reason}. Free disk space or make the folder "
                f"writable, or set {HOME_ENV} to another folder."
            ) from exc


class _Audit:
    """Checks an actor's right to manage models up front and records each change with it.

    :meth:`changing` opens the audit log's write transaction before the change on disk;
    the event is written (flushed) just before the step that makes the change, and
    committed after it. A busy or failing database refuses the change before anything
    moved, and a change that fails leaves no event. Without an actor it does nothing,
    so the registry works without a database.
    """

    def __init__(self, actor: Actor | None, database: str | None) -> None:
        self.actor = actor
        self.database = database
        if actor is not None:
            from core.store.access import authorize
            from core.store.connect import open_database
            from core.store.roles import Permission

            self.db = open_database(database)
            with self.db.read() as session:
                authorize(session, actor, Permission.MANAGE_MODELS)

    @contextlib.contextmanager
    def changing(self) -> Iterator[Callable[..., None]]:
        """Yield ``record(action, version, before=..., after=...)``, to call just before the change is made."""
        if self.actor is None:
            yield lambda action, version, **change: None
            return
        from core.store.access import authorize
        from core.store.audit import add_event
        from core.store.roles import Permission

        actor = self.actor
        with self.db.write() as session:
            authorize(session, actor, Permission.MANAGE_MODELS)  # takes the write lock, before the change

            def record(action: str, version: int, **change: Mapping[str, Any]) -> None:
                add_event(session, actor, action, "model", version, **change)
                session.flush()

            yield record


def model_version_label(directory: Path, registry: ModelRegistry | None = None) -> str:
    """How batches and decisions name the model: ``v3 modlens-default-v3 (2026-11-29T13:56:27+00:00)``.

    The ``vN`` prefix is there when ``directory`` is a version of the registry.
    """
    try:
        meta = read_metadata(Path(directory))
    except ModLensError:
        meta = {}
    label = f"{meta.get('name') or Path(directory).name} ({meta.get('created', 'unknown date')})"
    try:
        target = Path(directory).resolve()
        for version in (registry or ModelRegistry()).list():
            if version.path.resolve() == target:
                return f"v{version.version} {label}"
    except OSError:
        pass
    return label


def _refuse_links(model_dir: Path) -> None:
    """Raise when the model directory, or a file it must hold, is a symbolic link (or a link loop)."""
    for path in (model_dir, *(model_dir / name for name in MODEL_FILES)):
        if path.is_symlink():
            try:
                path.resolve(strict=True)
            except (OSError, RuntimeError) as exc:
                raise ModelError(
                    f"'{path}' is a symbolic link that leads nowhere (a loop?). Give the real folder."
                ) from exc
            if path != model_dir:
                raise ModelError(
                    f"'{path}' is a symbolic link. A model directory must hold its own files; copy the real file "
                    "in place of the link, then add the directory again."
                )


def _copy_regular_file(source: Path, target: Path) -> None:
    """Copy one regular file without following a link planted after the check."""
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise ModelError(f"Cannot copy '{source}': {exc.strerror} (a symbolic link?). Give a model directory.") from exc
    with os.fdopen(fd, "rb") as src:
        if not stat.S_ISREG(os.fstat(src.fileno()).st_mode):
            raise ModelError(f"'{source}' is not a regular file. Give a model directory written by ModLens.")
        with open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
