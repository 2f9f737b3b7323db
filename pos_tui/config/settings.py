"""Settings: ``POS_TUI_*`` environment variables over a TOML file over defaults.

The file lives in platformdirs' config dir (``POS_TUI_CONFIG`` points elsewhere); local data
(logs, journal, sandbox database) in the data dir (``POS_TUI_DATA_DIR``). The secret is never
read from or written to the file: it comes from keyring, or from ``POS_TUI_API_KEY`` for
automation.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from .paths import config_path, data_dir

__all__ = ["Settings", "SettingsError", "config_path", "data_dir", "load_settings"]

SECRET_KEYS = {"api_key", "password", "secret", "user_password", "user_api_key", "kiosk_api_key"}


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
    #: Seconds after a send before a write the history shows absent may be sent again (journal).
    resend_after: float = Field(300.0, ge=0, le=86400)
    #: Where receipts print: usb:VID:PID, serial:DEVICE, network:HOST[:PORT], file:PATH, cups:NAME, none.
    printer: str = "none"
    #: The ESC/POS code page selected on the printer (CP858: CP850 with the euro sign).
    printer_codepage: str = "CP858"
    #: python-escpos's printer profile (e.g. "TM-T88III"); empty: its default profile.
    printer_profile: str = ""
    # The customer kiosk (``pos-tui kiosk``): its own read-only API user of the same account.
    kiosk_user_id: str = ""
    #: Only from the environment (``POS_TUI_KIOSK_API_KEY``) or keyring; never from the file.
    kiosk_api_key: SecretStr | None = Field(default=None, exclude=True)
    kiosk_idle_seconds: int = Field(20, ge=2, le=3600)
    kiosk_customer_pin: bool = False
    kiosk_theme: str = "pos-kiosk-low-glare"
    #: ``scrypt$…`` written by ``pos-tui kiosk --set-pin``; never the PIN itself.
    kiosk_manager_pin_hash: str = ""
    #: Above these a purchase amount / a gift-card load asks for a second confirmation (0: never).
    confirm_earn_above: Decimal = Field(Decimal(1000), ge=0)
    confirm_load_above: Decimal = Field(Decimal(500), ge=0)
    #: The manager PIN's salted scrypt hash (``pos-tui manager-pin`` sets it; never the PIN itself).
    manager_pin_hash: str = ""
    manager_name: str = "manager"

    @field_validator("api_url")
    @classmethod
    def _https(cls, value: str) -> str:
        return check_api_url(value)

    @field_validator("printer")
    @classmethod
    def _printer(cls, value: str) -> str:
        from ..printing.target import parse_printer

        return str(parse_printer(value))  # a ValueError's message is the one line the user sees

    @field_validator("printer_codepage")
    @classmethod
    def _codepage(cls, value: str) -> str:
        from ..printing.text import check_code_page

        return check_code_page(value)

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


def check_api_url(value: str) -> str:
    """An API address: ``https://``, or ``http://`` only for this machine (the secret would travel
    in clear text); a host, and a port that exists."""
    import ipaddress
    from urllib.parse import urlsplit

    value = value.strip()
    try:
        parts = urlsplit(value)
        host, port = parts.hostname, parts.port  # port raises ValueError when out of range
    except ValueError as exc:
        raise ValueError(f"is not a valid URL ({exc})") from None
    if parts.scheme not in ("https", "http") or not host:
        raise ValueError("must be an https:// address with a host name")
    if parts.scheme == "http":
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise ValueError(
                "must start with https:// (http:// is only for a sandbox on this machine: 127.0.0.1, "
                "::1 or localhost, since the secret would travel in clear text)"
            )
    del port
    return value


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
            problem = str(error["msg"]).removeprefix("Value error, ")
        import os

        variable = f"POS_TUI_{key.upper()}"
        where = (
            f"environment variable {variable}"
            if variable in os.environ
            else f"{config_path()}: setting {key!r}"
        )
        raise SettingsError(f"{where} {problem}") from None
