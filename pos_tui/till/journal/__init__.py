"""The write journal: every write is committed to SQLite before the request leaves, its outcome is
never guessed, and nothing is sent twice blindly. Plain Python (no Textual).

- :mod:`.entry`: one entry and its states.
- :mod:`.store`: the durable record; every state change is a compare-and-set.
- :mod:`.writer`: sending (journal, claim, send, settle).
- :mod:`.reconcile`: settling an unknown outcome by reading the customer's history (and, when it
  cannot settle it, the ``transactions_all`` report).
- :mod:`.verdict`: an entry in the cashier's words and as an exit code.
"""

from .entry import OPEN_STATES, Entry, State
from .reconcile import CLOCK_MARGIN, HISTORY_DEPTH, Reconciler, references, tag
from .store import AlreadySettled, CardBlocked, Journal
from .verdict import BLOCKED, Verdict, printable, verdict
from .writer import RESEND_AFTER, JournaledWriter, Outcome, with_reference

__all__ = [
    "BLOCKED",
    "CLOCK_MARGIN",
    "HISTORY_DEPTH",
    "OPEN_STATES",
    "RESEND_AFTER",
    "AlreadySettled",
    "CardBlocked",
    "Entry",
    "Journal",
    "JournaledWriter",
    "Outcome",
    "Reconciler",
    "State",
    "Verdict",
    "printable",
    "references",
    "tag",
    "verdict",
    "with_reference",
]
