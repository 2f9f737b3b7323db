"""``pos-tui decode`` (a response body as the API's JSON) and ``pos-tui call`` (one call with the
configured account; writes go through the journal, see :mod:`pos_tui.cli.journal`)."""

from __future__ import annotations

import argparse
import asyncio

from ..api.kinds import CAMPAIGN_KINDS
from .common import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNKNOWN,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    print_json,
    read_input,
    settings_error,
)

KINDS = CAMPAIGN_KINDS


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    decode = commands.add_parser("decode", help="decode a response body and print it as the API's JSON")
    decode.add_argument("--call", required=True, help="the API's type, or a report's name")
    decode.add_argument(
        "--kind",
        choices=KINDS,
        help="the campaign kind of a receipt (a gift-card spend and an earn-per-event redemption look alike)",
    )
    decode.add_argument("file", nargs="?", default="-", help="the body (default: standard input)")

    call = commands.add_parser("call", help="perform one call with the configured account")
    call.add_argument("call", help="the API's type, or a report's name")
    call.add_argument("fields", nargs="*", metavar="field=value")
    call.add_argument("--kind", choices=KINDS)


def cmd_decode(args: argparse.Namespace) -> int:
    from ..api.calls import decode, spec_for
    from ..api.errors import BadResponseError

    try:
        spec = spec_for(args.call)
    except KeyError as exc:
        raise CommandError(exc.args[0], EXIT_USAGE) from None
    body = read_input(args.file)
    try:
        result = decode(spec, body, hint=args.kind)
    except BadResponseError as exc:
        raise CommandError(f"not an API response: {exc}", EXIT_REFUSED) from None
    print_json(result.wire())
    return EXIT_OK


def cmd_call(args: argparse.Namespace) -> int:
    from ..api.calls import spec_for

    fields: dict[str, str] = {}
    for item in args.fields:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise CommandError(f"expected field=value, got {item!r}", EXIT_USAGE)
        fields[name] = value
    try:
        spec_for(args.call, fields)
    except KeyError as exc:
        raise CommandError(exc.args[0], EXIT_USAGE) from None
    return asyncio.run(_call(args.call, fields, args.kind))


async def _call(name: str, fields: dict[str, str], kind: str | None) -> int:
    from ..api import errors
    from ..config.logs import setup_logging
    from ..config.settings import SettingsError, load_settings
    from ..services import client_from_settings

    setup_logging()
    try:
        settings = load_settings()
        client = client_from_settings(settings)
    except SettingsError as exc:
        raise settings_error(exc) from None
    async with client:
        from .journal import WRITES, journaled_write

        if name in WRITES:
            return await journaled_write(client, settings, name, fields, kind)
        try:
            result = await client.call(name, fields, hint=kind)
        except (errors.ApiError, errors.NoMatchError, errors.HTTPStatusRefusal) as exc:
            raise CommandError(f"refused: {exc}", EXIT_REFUSED) from None
        except errors.OutcomeUnknownError as exc:
            if exc.write:
                raise CommandError(f"outcome unknown: {exc}", EXIT_UNKNOWN) from None
            raise CommandError(str(exc), EXIT_UNREACHABLE) from None
        except (errors.NotSentError, errors.BadResponseError) as exc:
            raise CommandError(str(exc), EXIT_UNREACHABLE) from None
    print_json(result.wire())
    return EXIT_OK
