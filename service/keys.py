"""API keys: issued by `grassroots keys create`, kept hashed in a file, each with a role and a scope.

Keys are the service's configuration, not the graph's data, so they live beside the store
rather than in it (``GRASSROOTS_KEYS_FILE``, by default ``keys.json`` in the data folder):
the same file serves an embedded store or a Neo4j cluster. Only a SHA-256 of each key's
secret is kept; the key itself is shown once, when it is made.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from graph.files import atomic_write
from graph.i18n import _
from service.principal import AccessRole

__all__ = ["ApiKey", "KeyRing"]

_PREFIX = "gg"


class ApiKey(BaseModel):
    """One key as kept on disk: its public id, what it may do, where, and the hash of its secret."""

    id: str = Field(description="public id, the first part of the key")
    name: str = Field(default="", description="who or what holds it")
    role: AccessRole
    scope: str | None = Field(description="the territory it sees and changes, with everything under it; None: all")
    secret_sha256: str
    created_at: datetime


class KeyRing:
    """The keys file: read on each check (cheaply, by modification time), written atomically under a lock."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._cache: tuple[float, dict[str, ApiKey]] | None = None

    def listed(self) -> list[ApiKey]:
        return sorted(self._load().values(), key=lambda k: k.created_at)

    def create(self, *, role: AccessRole, scope: str | None, name: str = "") -> tuple[ApiKey, str]:
        """A new key and its token (``gg_<id>_<secret>``): the token is never stored, so show it now.

        An admin key has no scope: keys and the audit log span the whole graph.
        """
        if role is AccessRole.ADMIN and scope is not None:
            raise ValueError(_("管理员密钥不限辖区（密钥和审计日志涵盖全图）；请给街道一个编辑者密钥"))
        key_id, secret = secrets.token_hex(4), secrets.token_urlsafe(24)
        key = ApiKey(
            id=key_id,
            name=name,
            role=role,
            scope=scope,
            secret_sha256=hashlib.sha256(secret.encode()).hexdigest(),
            created_at=datetime.now(UTC),
        )
        with self._locked():
            keys = self._load(fresh=True)
            keys[key_id] = key
            self._save(keys)
        return key, f"{_PREFIX}_{key_id}_{secret}"

    def revoke(self, key_id: str) -> bool:
        with self._locked():
            keys = self._load(fresh=True)
            found = keys.pop(key_id, None) is not None
            if found:
                self._save(keys)
        return found

    def verify(self, token: str) -> ApiKey | None:
        """The key a token belongs to, if the token is whole and its secret matches; None otherwise."""
        prefix, _, rest = token.strip().partition("_")
        key_id, _, secret = rest.partition("_")
        if prefix != _PREFIX or not key_id or not secret:
            return None
        key = self._load().get(key_id)
        if key is None:
            return None
        given = hashlib.sha256(secret.encode()).hexdigest()
        return key if hmac.compare_digest(given, key.secret_sha256) else None

    def _load(self, *, fresh: bool = False) -> dict[str, ApiKey]:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            return {}
        if not fresh and self._cache is not None and self._cache[0] == mtime:
            return dict(self._cache[1])
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            keys = {k["id"]: ApiKey.model_validate(k) for k in raw.get("keys", [])}
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(_("密钥文件 %(path)s 无法读取（%(error)s）；请从备份恢复，或把它移开", path=self.path, error=exc)) from exc
        self._cache = (mtime, keys)
        return dict(keys)

    def _save(self, keys: dict[str, ApiKey]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {"keys": [k.model_dump(mode="json") for k in sorted(keys.values(), key=lambda k: k.created_at)]}
        atomic_write(self.path, json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8"))
        self.path.chmod(0o600)
        self._cache = None

    def _locked(self) -> _FileLock:
        return _FileLock(self.path.with_name(self.path.name + ".lock"))


class _FileLock:
    """An exclusive lock on a file beside the keys, so two `grassroots keys` commands do not lose each other's key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "a")
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        self._file.close()
