"""``pos-tui`` (the till) and ``pos-tui demo`` (the till, or the kiosk, on the training sandbox)."""

from __future__ import annotations

import argparse
from typing import Any

from .common import EXIT_OK


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = commands.add_parser("demo", help="the till in training mode on the embedded sandbox")
    demo.add_argument("--keep", action="store_true", help="keep the training data of the last run")
    demo.add_argument("--kiosk", action="store_true", help="the customer kiosk on the demo data")
    demo.add_argument("--manager", action="store_true", help="open the manager area (the PIN is shown)")
    demo.add_argument("--customers", type=int, default=300, help="generated customers in the training data")


def _run_till(factory: Any, *, training: bool, manager: bool = False) -> int:
    """Show the till at once; settings and services load in a thread behind the first screen."""
    from ..config.logs import setup_logging
    from ..tui.factory import make_app

    setup_logging()

    def services() -> Any:
        from ..api.models import warm
        from ..config.settings import load_settings

        built = factory(load_settings())
        warm()  # behind the first screen, so that the first scan does not build the models
        return built

    app = make_app(services, training=training, manager=manager)
    app.run()
    return app.return_code or EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    if args.kiosk:
        from .kiosk import cmd_demo_kiosk

        return cmd_demo_kiosk(args)

    def factory(settings: Any) -> Any:
        from ..services import demo_services

        return demo_services(settings, reset=not args.keep, customers=max(0, args.customers))

    return _run_till(factory, training=True, manager=args.manager)


def cmd_till(args: argparse.Namespace) -> int:
    def factory(settings: Any) -> Any:
        from ..services import live_services

        return live_services(settings)

    return _run_till(factory, training=False)
