"""Settings from the environment, read in one place (``GRASSROOTS_*`` and ``NEO4J_*``)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.i18n import Lang
from graph.store import GraphStore

__all__ = ["Settings", "StoreKind", "get_settings", "open_store"]


class StoreKind(StrEnum):
    MEMORY = "memory"
    NEO4J = "neo4j"


class Settings(BaseSettings):
    """Everything the service reads from its environment; each field is ``GRASSROOTS_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="GRASSROOTS_", extra="ignore")

    store: StoreKind = Field(default=StoreKind.MEMORY, description="memory (embedded networkx) or neo4j")
    data_dir: Path = Field(default=Path("data"), description="where the embedded store keeps its files")
    host: str = "127.0.0.1"
    port: int = 8000
    max_upload_mb: int = Field(default=50, ge=1, description="largest ledger the upload endpoint accepts, in megabytes")
    max_body_kb: int = Field(default=1024, ge=1, description="largest request body of any other route (JSON), in kilobytes")
    rate_per_minute: float | None = Field(
        default=None,
        ge=0,
        description="exports, imports and searches a key may ask for a minute; unset: 60 with keys on, no limit with keys off; 0: no limit",
    )
    rate_burst: int = Field(default=30, ge=1, description="how many of those a key may ask for at once before the rate applies")
    auth: bool = Field(default=True, description="require an API key on every route; off opens everything (a laptop, a test)")
    lang: Lang = Field(
        default=Lang.ZH,
        description="the language of what a person reads: zh (Chinese) or en; a request's Accept-Language and --lang choose per use",
    )
    keys_file: Path | None = Field(default=None, description="where API keys are kept, hashed (default: keys.json in data_dir)")

    @property
    def keys_path(self) -> Path:
        return self.keys_file or self.data_dir / "keys.json"

    @property
    def synonyms_path(self) -> Path:
        """Staff's synonym list (近义词表) for 双向点单, beside the keys."""
        return self.keys_path.parent / "synonyms.txt"

    neo4j_uri: str | None = Field(default=None, validation_alias="NEO4J_URI", description="neo4j://host:7687 (routing) or bolt://")
    neo4j_user: str = Field(default="neo4j", validation_alias="NEO4J_USER")
    neo4j_password: SecretStr = Field(default=SecretStr(""), validation_alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", validation_alias="NEO4J_DATABASE")


@lru_cache
def get_settings() -> Settings:
    return Settings()


def open_store(settings: Settings, *, read_only: bool = False) -> GraphStore:
    """The store the settings select; the caller closes it. Only the chosen store's module is imported.

    ``read_only`` opens the embedded store's data folder for reading beside the process that owns
    it (``StoreBusy`` said so): no lock taken, every write refused. Neo4j orders its own writers,
    so it opens as ever.
    """
    if settings.store is StoreKind.NEO4J:
        if not settings.neo4j_uri:
            raise ValueError("GRASSROOTS_STORE=neo4j needs NEO4J_URI (for example neo4j://127.0.0.1:7687)")
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
            database=settings.neo4j_database,
        )
    from graph.memory import MemoryStore

    return MemoryStore(settings.data_dir, read_only=read_only)
