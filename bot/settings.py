"""Configuration from the environment and ``.env`` (pydantic-settings + python-dotenv)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _env(default: Any, *names: str) -> Any:
    return Field(default, validation_alias=AliasChoices(*names))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    data_dir: Path = _env(Path("data"), "EVBOT_DATA_DIR", "data_dir")
    database_url: str | None = _env(None, "EVBOT_DATABASE_URL", "database_url")
    admins: str = _env("", "EVBOT_ADMINS", "admins")
    default_tz: str = _env("UTC", "EVBOT_DEFAULT_TZ", "default_tz")
    log_level: str = _env("WARNING", "EVBOT_LOG_LEVEL", "log_level")
    max_article_bytes: int = _env(5 * 1024 * 1024, "EVBOT_MAX_ARTICLE_BYTES", "max_article_bytes")
    seed_on_start: bool = _env(True, "EVBOT_SEED", "seed_on_start")
    feeds: str = _env("", "EVBOT_FEEDS", "feeds")
    feed_poll_minutes: float = _env(30.0, "EVBOT_FEED_POLL_MINUTES", "feed_poll_minutes")
    # How stale a cached answer may be after another process (replica, `evbot ingest`) changed
    # the store; this process's own changes are seen at once. 0 checks the store every command.
    store_recheck_ms: float = _env(50.0, "EVBOT_STORE_RECHECK_MS", "store_recheck_ms")

    slack_bot_token: SecretStr | None = _env(None, "SLACK_BOT_TOKEN", "slack_bot_token")
    slack_signing_secret: SecretStr | None = _env(None, "SLACK_SIGNING_SECRET", "slack_signing_secret")
    slack_app_token: SecretStr | None = _env(None, "SLACK_APP_TOKEN", "slack_app_token")
    slack_client_id: str | None = _env(None, "SLACK_CLIENT_ID", "slack_client_id")
    slack_client_secret: SecretStr | None = _env(None, "SLACK_CLIENT_SECRET", "slack_client_secret")
    slack_host: str = _env("0.0.0.0", "EVBOT_SLACK_HOST", "slack_host")
    slack_port: int = _env(3000, "EVBOT_SLACK_PORT", "slack_port")
    slack_api_url: str | None = _env(None, "EVBOT_SLACK_API_URL", "slack_api_url")
    slack_workspace_admins: bool = _env(False, "EVBOT_SLACK_WORKSPACE_ADMINS", "slack_workspace_admins")

    discord_token: SecretStr | None = _env(None, "DISCORD_TOKEN", "discord_token")
    discord_api_url: str | None = _env(None, "EVBOT_DISCORD_API_URL", "discord_api_url")
    discord_gateway_url: str | None = _env(None, "EVBOT_DISCORD_GATEWAY_URL", "discord_gateway_url")
    discord_sharded: bool = _env(False, "EVBOT_DISCORD_SHARDED", "discord_sharded")
    discord_admin_role: str | None = _env(None, "EVBOT_DISCORD_ADMIN_ROLE", "discord_admin_role")

    llm_provider: str | None = _env(None, "EVBOT_LLM_PROVIDER", "llm_provider")  # openai | anthropic
    llm_base_url: str | None = _env(None, "EVBOT_LLM_BASE_URL", "llm_base_url")
    llm_model: str | None = _env(None, "EVBOT_LLM_MODEL", "llm_model")
    llm_api_key: SecretStr | None = _env(None, "EVBOT_LLM_API_KEY", "llm_api_key")
    llm_fallback: str = _env("rules", "EVBOT_LLM_FALLBACK", "llm_fallback")  # rules | raise
    llm_timeout: float = _env(60.0, "EVBOT_LLM_TIMEOUT", "llm_timeout")
    llm_max_retries: int = _env(1, "EVBOT_LLM_MAX_RETRIES", "llm_max_retries")
    llm_chunk_chars: int = _env(8000, "EVBOT_LLM_CHUNK_CHARS", "llm_chunk_chars")

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'evbot.db'}"

    @property
    def admin_principals(self) -> frozenset[str]:
        return frozenset(p.strip() for p in self.admins.split(",") if p.strip())

    @property
    def slack_http_enabled(self) -> bool:
        return self.slack_signing_secret is not None and self.slack_bot_token is not None

    @property
    def slack_socket_enabled(self) -> bool:
        return self.slack_app_token is not None

    @property
    def discord_enabled(self) -> bool:
        return self.discord_token is not None

    def masked(self) -> dict[str, str]:
        """Effective settings for display: secrets show only that they are set."""
        shown: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                shown[name] = "•••••• (set)" if value.get_secret_value() else "(empty)"
            elif value is None:
                shown[name] = "(not set)"
            else:
                shown[name] = str(value)
        shown["effective_database_url"] = _mask_url(self.effective_database_url)
        if self.database_url:
            shown["database_url"] = _mask_url(self.database_url)
        return shown


def _mask_url(url: str) -> str:
    """Hide a password in a database URL."""
    if "://" in url and "@" in url.split("://", 1)[1]:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:••••••@{host}" if ":" in creds else url
    return url
