"""Settings: ``POS_TUI_*`` environment variables over a TOML file over defaults.

The file lives in platformdirs' config dir (``POS_TUI_CONFIG`` points elsewhere); local data
(logs, journal, sandbox database) in the data dir (``POS_TUI_DATA_DIR``). The secret is never
read from or written to the file: it comes from keyring, or from ``POS_TUI_API_KEY`` for
automation.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from .paths import config_path, data_dir

__all__ = ["Settings", "SettingsError", "config_path", "data_dir", "load_settings"]

SECRET_KEYS = {"api_key", "password", "secret", "user_password", "user_api_key"}


class SettingsError(Exception):
    """A settings file or variable is wrong; the message names the file, the key and the problem."""


class NotConfigured(SettingsError):
    """No account is set up yet: the till offers its setup screen, the CLI says to run login."""


class _TomlSource(PydanticBaseSettingsSource):
    """The settings file; a syntax error or a secret in it is a :class:`SettingsError`."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        super().__init__(settings_cls)
        self.path = path
        self.data = self._read()

    def _read(self) -> dict[str, Any]:
        if not self.path.is_file():
            return {}
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{self.path}: not valid TOML ({exc})") from None
        except OSError as exc:
            raise SettingsError(f"{self.path}: cannot be read ({exc.strerror})") from None
        found = SECRET_KEYS & set(data)
        if found:
            raise SettingsError(
                f"{self.path}: key {sorted(found)[0]!r} is not allowed; secrets are kept in the "
                "system keyring (run 'pos-tui login'), never in the settings file"
            )
        return data

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self.data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self.data.items()}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POS_TUI_", extra="forbid", validate_default=True)

    api_url: str = "https://api.clienttoolbox.com/api.php"
    user_id: str = ""
    account_id: str = ""
    #: Only from the environment (``POS_TUI_API_KEY``) or keyring; never from the file.
    api_key: SecretStr | None = Field(default=None, exclude=True)
    secret_kind: Literal["password", "api_key"] = "password"
    secret_in_header: bool = False
    output: Literal["xml", "json"] = "xml"
    connect_timeout: float = Field(5.0, gt=0, le=120)
    read_timeout: float = Field(20.0, gt=0, le=600)
    terminal_name: str = ""
    receipt_width: Literal[32, 42, 48] = 42
    #: A run of keys whose median gap is under this (ending in Enter/Tab) is a card reader.
    scan_gap_ms: int = Field(30, ge=5, le=200)
    theme: str = "pos-default"
    #: The manager PIN's salted scrypt hash (``pos-tui manager-pin`` sets it; never the PIN itself).
    manager_pin_hash: str = ""
    manager_name: str = "manager"

    @field_validator("api_url")
    @classmethod
    def _https(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// for a sandbox on this machine)")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlSource(settings_cls, config_path()))


def update_settings_file(**values: Any) -> Path:
    """Set (or, with None, remove) keys in the settings file, keeping its comments and layout."""
    import tomlkit

    if SECRET_KEYS & set(values):
        raise ValueError("secrets are never written to the settings file")
    path = config_path()
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.is_file() else tomlkit.document()
    except Exception as exc:  # tomlkit's parse errors
        raise SettingsError(f"{path}: not valid TOML ({exc})") from None
    for key, value in values.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    return path


def sources(settings: Settings) -> dict[str, str]:
    """Where each effective value came from: ``env POS_TUI_X``, ``file``, or ``default``."""
    import os

    path = config_path()
    in_file: set[str] = set()
    if path.is_file():
        try:
            in_file = set(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, OSError):
            pass
    found = {}
    for name in Settings.model_fields:
        env = f"POS_TUI_{name.upper()}"
        if env in os.environ:
            found[name] = f"env {env}"
        elif name in in_file:
            found[name] = "file"
        else:
            found[name] = "default"
    return found


def load_settings(**overrides: Any) -> Settings:
    """The effective settings, or a :class:`SettingsError` that says what is wrong and where."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors(include_url=False, include_input=False)[0]
        key = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            problem = "is not a known setting"
        else:
            problem = error["msg"]
        import os

        variable = f"POS_TUI_{key.upper()}"
        where = (
            f"environment variable {variable}"
            if variable in os.environ
            else f"{config_path()}: setting {key!r}"
        )
        raise SettingsError(f"{where} {problem}") from None
