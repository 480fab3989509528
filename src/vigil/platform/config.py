"""Typed settings. Every variable is read from the environment with the prefix ``VIGIL_``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, PrivateAttr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VIGIL_", extra="ignore")
    _file_key: str | None = PrivateAttr(default=None)

    data_dir: Path = Field(default=Path("vigil-data"), description="Embedded database, uploads, secret key")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default is SQLite in data_dir")
    secret_key: str | None = Field(default=None, description="Signs session cookies; generated into data_dir if unset")
    cookie_secure: bool = True
    session_max_age: int = 8 * 3600
    max_request_bytes: int = 1_000_000
    max_upload_bytes: int = 200_000_000
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    # How long a worker process reuses a verified API token / session / Basic credential before asking the
    # database again. A revocation in the same process applies at once; other workers see it within this time.
    auth_cache_seconds: float = 5.0
    log_level: str = "INFO"
    # Scheduled jobs (platform.jobs: purges, escalations, overdue alerts, list refresh) run on a thread of
    # `vigil serve`; each job may have its own switch as well.
    scheduler: bool = True
    scheduler_interval_seconds: float = 30.0
    # Official sanctions lists (`vigil lists update`; screening/refresh.py). The scheduled refresh is off until
    # lists_update_hours is set (e.g. 24).
    lists_un_url: str = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
    lists_ofac_url: str = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
    lists_proxy: str | None = None
    lists_timeout_seconds: float = 120.0
    lists_update_hours: float = 0.0
    lists_owner_agency: str | None = Field(default=None, description="agency code owning lists the refresh creates")

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'vigil.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "uploads").mkdir(exist_ok=True)
        return self.data_dir

    def resolved_secret_key(self) -> str:
        """A configured key wins; otherwise one is generated once and kept in the data folder. Read once per
        settings object: HTTP Basic on TAXII asks for it on every request (its cache key is an HMAC)."""
        if self.secret_key:
            return self.secret_key
        if self._file_key is None:
            import secrets

            path = self.ensure_data_dir() / "secret.key"
            if not path.exists():
                path.write_text(secrets.token_urlsafe(48))
                path.chmod(0o600)
            self._file_key = path.read_text().strip()
        return self._file_key


def bundled_data() -> Path:
    """The public data the repository carries (`data/`: UN and OFAC lists, ATT&CK ICS, OpenStreetMap extracts; see
    data/README.md), used by the demo, the tests and the benchmarks. `VIGIL_BUNDLED_DATA` points elsewhere, e.g. for
    an installed package that has no repository beside it."""
    import os

    configured = os.environ.get("VIGIL_BUNDLED_DATA")
    return Path(configured) if configured else Path(__file__).resolve().parents[3] / "data"


@lru_cache
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Tests and the CLI change the environment; this drops the cached settings and engine."""
    get_settings.cache_clear()
    from vigil.platform import database

    database.reset_engine()
