"""``pos-tui call`` for writes, and ``pos-tui journal [list|replay|resolve]``: every write goes
through the journal, and its outcome becomes an exit code through :func:`pos_tui.till.journal.verdict`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from .common import EXIT_OK, EXIT_UNKNOWN, EXIT_UNREACHABLE, EXIT_USAGE, CommandError, print_json

WRITES = ("record_activity", "redeem", "batch_transactions", "transaction_delete")


async def journaled_write(
    client: Any, settings: Any, name: str, fields: dict[str, str], kind: str | None
) -> int:
    """A write through the journal: 0 confirmed, 1 refused, 3 outcome unknown, 4 queued, 5 not sent."""
    from ..config.paths import data_dir
    from ..till.journal import BLOCKED, CardBlocked, Journal, JournaledWriter, State, printable, verdict

    request = await _request(client, name, fields, kind)
    journal = Journal(data_dir() / "journal.db")
    try:
        writer = JournaledWriter(client, journal, resend_after=settings.resend_after)
        await writer.replay()  # whatever a crash left in flight is settled first
        if name == "batch_transactions":
            outcome = await writer.batch(request)
        elif name == "transaction_delete":
            outcome = await writer.void(request, card_number=fields.get("card_number", ""))
        else:
            outcome = await writer.submit(request)
    except CardBlocked as exc:
        raise CommandError(f"{BLOCKED} ({exc}; 'pos-tui journal replay' settles it)", EXIT_UNKNOWN) from None
    finally:
        journal.close()
    entry = outcome.entry
    said = verdict(entry)
    if entry.state == State.CONFIRMED:
        # After a reconciliation the journal knows the transaction, not the receipt.
        body = dict(entry.response or {"status": "success"})
        body.update(
            journal=entry.ref, transaction_id=entry.transaction_id, reconciled=outcome.receipt is None
        )
        print_json(body)
        return EXIT_OK
    raise CommandError(f"{printable(said.message)} [journal {entry.ref}: {entry.state}]", said.exit_code)


async def _request(client: Any, name: str, fields: dict[str, str], kind: str | None) -> Any:
    from pydantic import ValidationError

    from ..api import errors
    from ..api.forms import batch_campaign_id, request_from_fields

    if name != "transaction_delete" and kind is None:
        # The campaign tells the kind (a batch: its first row's campaign).
        wanted = batch_campaign_id(fields) if name == "batch_transactions" else fields.get("campaign_id", "")
        try:
            campaigns = (await client.campaigns_list()).campaigns
        except errors.LoyaltyError as exc:
            raise CommandError(
                f"cannot tell the campaign's kind ({exc}); give --kind", EXIT_UNREACHABLE
            ) from None
        kind = next((c.type for c in campaigns if c.id == wanted), None)
        if kind is None:
            raise CommandError(f"unknown campaign_id {wanted!r}; give --kind", EXIT_USAGE)
    try:
        return request_from_fields(name, kind, fields)
    except ValidationError as exc:
        raise CommandError(_invalid(exc), EXIT_USAGE) from None
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None


def _invalid(exc: Any) -> str:
    problem = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(map(str, problem["loc"]))
    return f"invalid {where}: {problem['msg']}"


def add_parser(commands: Any) -> None:
    journal = commands.add_parser(
        "journal", help="the write journal: list entries, replay what is open, resolve one by hand"
    )
    journal.add_argument("action", nargs="?", choices=["list", "replay", "resolve"], default="list")
    journal.add_argument("ref", nargs="?", help="resolve: the entry's reference")
    journal.add_argument("--json", action="store_true", help="list: one JSON object per entry")
    settled = journal.add_mutually_exclusive_group()
    settled.add_argument("--recorded", action="store_true", help="resolve: the service did record it")
    settled.add_argument("--not-recorded", action="store_true", help="resolve: the service did not record it")
    journal.add_argument(
        "--transaction-id", default="", help="resolve --recorded: the service's transaction id"
    )
    journal.add_argument("--yes", action="store_true", help="resolve: do not ask for confirmation")


def cmd_journal(args: argparse.Namespace) -> int:
    from ..config.paths import data_dir

    path = data_dir() / "journal.db"
    if args.action == "replay":
        return asyncio.run(_replay(path))
    if args.action == "resolve":
        return _resolve(path, args)
    if not path.is_file():
        if not args.json:
            print("The journal is empty.")
        return EXIT_OK
    from ..till.cards import mask_card
    from ..till.journal import Journal, printable

    journal = Journal(path)
    try:
        for entry in journal.entries():
            if args.json:
                sys.stdout.write(json.dumps(entry.as_json(), ensure_ascii=True) + "\n")
            else:
                print(
                    f"{entry.created.isoformat(timespec='seconds')}  {entry.ref}  {entry.call:18s} "
                    f"{mask_card(entry.card):8s} {entry.state:12s} tries={entry.attempts} "
                    f"tx={entry.transaction_id or '-'} {printable(entry.error)[:60]}"
                )
    finally:
        journal.close()
    return EXIT_OK


def _resolve(path: Any, args: argparse.Namespace) -> int:
    from ..config.logs import setup_logging
    from ..till.journal import AlreadySettled, Journal, State, printable
    from ..till.journal.store import who_am_i

    if not args.ref or not (args.recorded or args.not_recorded):
        raise CommandError("usage: pos-tui journal resolve REF --recorded|--not-recorded", EXIT_USAGE)
    if not path.is_file():
        raise CommandError("the journal is empty", EXIT_USAGE)
    setup_logging()
    journal = Journal(path)
    try:
        entry = journal.find(args.ref)
        if entry is None:
            raise CommandError(f"no journal entry {args.ref!r}", EXIT_USAGE)
        if entry.state not in (State.UNKNOWN, State.SENT):
            raise CommandError(
                f"entry {entry.ref} is {entry.state}: only an unknown entry can be resolved", EXIT_USAGE
            )
        verdict = "RECORDED" if args.recorded else "NOT recorded"
        print(f"Entry {entry.ref}: {entry.call} for {entry.card}, made {entry.created:%Y-%m-%d %H:%M} UTC")
        print(f"Last problem: {printable(entry.error) or '-'}")
        if not args.yes:
            if not sys.stdin.isatty():
                raise CommandError("confirmation needed: run it on a terminal, or add --yes", EXIT_USAGE)
            answer = input(f"Settle it as {verdict} by the service? Type yes: ")
            if answer.strip().lower() != "yes":
                print("Nothing changed.")
                return EXIT_OK
        who = who_am_i()
        try:
            done = journal.resolve(
                entry.ref, recorded=args.recorded, by=who, transaction_id=args.transaction_id
            )
        except AlreadySettled as exc:
            raise CommandError(str(exc), EXIT_USAGE) from None
    finally:
        journal.close()
    import logging

    logging.getLogger("pos_tui.till.journal").warning(
        "entry %s resolved by hand as %s by %s", done.ref, done.state, who
    )
    print(f"Entry {done.ref} is now {done.state} ({done.resolved_by}).")
    return EXIT_OK


async def _replay(path: Any) -> int:
    from ..config.logs import setup_logging
    from ..config.settings import SettingsError, load_settings
    from ..services import client_from_settings
    from ..till.journal import Journal, JournaledWriter, State

    setup_logging()
    try:
        settings = load_settings()
        client = client_from_settings(settings)
    except SettingsError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    journal = Journal(path)
    try:
        async with client:
            outcomes = await JournaledWriter(client, journal, resend_after=settings.resend_after).replay()
        left = [o.entry for o in outcomes if o.entry.state in (State.UNKNOWN, State.SENT)]
        queued = [o.entry for o in outcomes if o.entry.state == State.QUEUED]
    finally:
        journal.close()
    print(f"{len(outcomes)} open entries replayed; {len(left)} still unknown, {len(queued)} still queued.")
    from ..till.journal.verdict import EXIT_QUEUED

    return EXIT_UNKNOWN if left else EXIT_QUEUED if queued else EXIT_OK
