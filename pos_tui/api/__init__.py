"""The loyalty API: client, typed requests and models, decoding, errors. No Textual here.

Names are imported lazily so that ``import pos_tui.api`` costs nothing until one is used.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "LoyaltyClient": "client",
    "Credentials": "client",
    "PRODUCTION_URL": "client",
    "decode": "calls",
    "CALLS": "calls",
    "spec_for": "calls",
    "parse_body": "decoding",
}
_MODULES = ("errors", "requests", "models")


_SUBMODULES = {"calls", "client", "decoding", "errors", "models", "requests", "wire"}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:  # "from pos_tui.api import errors" imports that module alone
        return importlib.import_module(f".{name}", __name__)
    module = _EXPORTS.get(name)
    if module is not None:
        return getattr(importlib.import_module(f".{module}", __name__), name)
    for module in _MODULES:
        mod = importlib.import_module(f".{module}", __name__)
        if hasattr(mod, name):
            return getattr(mod, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
