"""The one factory that turns settings into services; the CLI, the till and the tests all use it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config.settings import NotConfigured, Settings, data_dir

if TYPE_CHECKING:
    from .api.client import LoyaltyClient
    from .sandbox.app import InProcessTransport, Sandbox
    from .till.journal import Journal, JournaledWriter


def credentials_from_settings(settings: Settings) -> Any:
    """The account's credentials: user and account from settings, the secret from the
    environment (``POS_TUI_API_KEY``) or else the keyring. Blocking (keyring): call it in a thread."""
    from .api.client import Credentials
    from .config.credentials import load_secret

    if not (settings.user_id and settings.account_id):
        raise NotConfigured(
            "no loyalty account is set up: run 'pos-tui login' (or set POS_TUI_USER_ID, "
            "POS_TUI_ACCOUNT_ID and POS_TUI_API_KEY)"
        )
    secret = settings.api_key or load_secret(settings.account_id, settings.user_id)
    if secret is None or not secret.get_secret_value():
        from .config.credentials import KeyringUnavailable, check_keyring

        try:
            check_keyring()
        except KeyringUnavailable as exc:
            raise NotConfigured(
                f"the secret of {settings.user_id}@{settings.account_id} is not available. {exc}"
            ) from None
        raise NotConfigured(
            f"no secret is stored for {settings.user_id}@{settings.account_id}: run 'pos-tui login'"
        )
    return Credentials(
        settings.user_id,
        settings.account_id,
        secret,
        secret_kind=settings.secret_kind,
        in_header=settings.secret_in_header,
    )


def client_from_settings(settings: Settings, **kwargs: Any) -> Any:
    import httpx

    from .api.client import LoyaltyClient

    return LoyaltyClient(
        credentials_from_settings(settings),
        url=settings.api_url,
        output=settings.output,
        timeout=httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.connect_timeout,
        ),
        **kwargs,
    )


@dataclass
class TillOptions:
    """How this till behaves: read from the settings when the services are built, fixed for the
    session except the receipt width and theme a cashier chooses (remembered in the settings)."""

    training: bool = False
    terminal: str = ""
    receipt_width: int = 42
    #: Keys closer together than this (seconds) are a card reader's (the wedge's hold).
    scan_gap: float = 0.03
    theme: str = ""
    receipts_dir: Path = field(default_factory=lambda: data_dir() / "receipts")
    #: The journal's quarantine before a write may be sent again (seconds).
    resend_after: float = 300.0
    confirm_earn_above: Decimal | None = Decimal(1000)
    confirm_load_above: Decimal | None = Decimal(500)
    #: The manager PIN's salted hash (settings ``manager_pin_hash``; empty: no PIN set).
    manager_pin_hash: str = ""
    manager_name: str = "manager"
    #: Shown on the PIN screen in training only.
    training_pin: str = ""

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> TillOptions:
        options = cls(
            terminal=settings.terminal_name,
            receipt_width=settings.receipt_width,
            scan_gap=settings.scan_gap_ms / 1000,
            theme=settings.theme,
            resend_after=settings.resend_after,
            confirm_earn_above=settings.confirm_earn_above,
            confirm_load_above=settings.confirm_load_above,
            manager_pin_hash=settings.manager_pin_hash,
            manager_name=settings.manager_name,
        )
        return replace(options, **overrides)


@dataclass
class Services:
    """Everything the till talks to, passed into the app (tests pass their own), and the
    till's :class:`TillOptions`."""

    api: LoyaltyClient
    options: TillOptions = field(default_factory=TillOptions)
    clock: Callable[[], datetime] = datetime.now
    journal: Journal | None = None
    #: Where receipts print (``printing.Printer``); None: printing is not set up.
    printer: Any = None
    #: The store's header on receipts (``receipt.StoreHeader``), read once from ``account_info``.
    store: Any = None
    #: The in-process sandbox behind ``api`` and the transport that reaches it (training only):
    #: tests change the sandbox's faults or wrap the transport's ``handle_async_request``.
    sandbox: Sandbox | None = None
    transport: InProcessTransport | None = None

    @property
    def writer(self) -> JournaledWriter:
        """Writes go through the journal; the till's services always have one (the kiosk's,
        which never write, have none)."""
        from .till.journal import JournaledWriter

        if self.journal is None:
            raise RuntimeError("these services have no journal, so they cannot write")
        if getattr(self, "_writer", None) is None:
            self._writer = JournaledWriter(self.api, self.journal, resend_after=self.options.resend_after)
        return self._writer

    async def aclose(self) -> None:
        await self.api.aclose()
        if self.journal is not None:
            self.journal.close()


#: The manager PIN of the training till (shown on the PIN screen in training).
TRAINING_PIN = "1234"


def demo_services(
    settings: Settings, *, db_path: Path | None = None, reset: bool = True, **kw: Any
) -> Services:
    """The till on the in-process sandbox with its demo data: training mode, no credentials."""
    from .api.client import Credentials, LoyaltyClient
    from .sandbox.app import InProcessTransport, open_sandbox
    from .sandbox.demo import ACCOUNT
    from .till.journal import Journal

    db_path = db_path or data_dir() / "training.db"
    sandbox = open_sandbox(db_path, reset=reset, **kw)
    journal_path = db_path.with_name(db_path.stem + "-journal.db")
    if reset:  # the training journal and printed copies belong to the training data
        for suffix in ("", "-wal", "-shm"):
            Path(f"{journal_path}{suffix}").unlink(missing_ok=True)
        db_path.with_name(db_path.stem + "-copies.json").unlink(missing_ok=True)
    transport = InProcessTransport(sandbox)
    api = LoyaltyClient(
        Credentials(ACCOUNT["user_id"], ACCOUNT["id"], ACCOUNT["secret"]),
        url="http://sandbox.invalid/api.php",
        transport=transport,
    )
    journal = Journal(journal_path)
    from .till.manager_pin import hash_pin

    options = TillOptions.from_settings(
        settings,
        training=True,
        terminal=settings.terminal_name or "TRAINING",
        manager_pin_hash=hash_pin(TRAINING_PIN),
        manager_name="manager",
        training_pin=TRAINING_PIN,
    )
    return Services(
        api=api,
        options=options,
        journal=journal,
        printer=_printer(settings, db_path.with_name(db_path.stem + "-copies.json")),
        sandbox=sandbox,
        transport=transport,
    )


#: The instant tests and pictures stop the till's clock at (the demo data is seeded as of its day).
FROZEN = datetime(2026, 11, 22, 14, 3, 0)


def frozen_demo_services(
    folder: Path, at: datetime = FROZEN, *, customers: int = 20, **sandbox: Any
) -> Services:
    """The demo till for repeatable tests and pictures: its data seeded as of ``at``'s day in
    ``folder``, a clock stopped at ``at``, receipts saved in ``folder``, the theme left to
    ``POS_TUI_THEME`` / the settings file."""
    from .config.settings import load_settings

    services = demo_services(
        load_settings(), db_path=folder / "training.db", customers=customers, today=at.date(), **sandbox
    )
    services.clock = lambda: at
    services.options = replace(services.options, receipts_dir=folder / "receipts", theme="")
    return services


def live_services(settings: Settings) -> Services:
    from .till.journal import Journal

    return Services(
        api=client_from_settings(settings),
        options=TillOptions.from_settings(settings),
        journal=Journal(data_dir() / "journal.db"),
        printer=_printer(settings),
    )


def _printer(settings: Settings, copies_file: Path | None = None) -> Any:
    """The printer, counting its copies in ``copies_file`` (by default the data dir's)."""
    from .printing import Printer

    return Printer.from_settings(settings, copies_file=copies_file or data_dir() / "printed-copies.json")
