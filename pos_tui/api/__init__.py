"""The loyalty API: client, typed requests and models, decoding, errors. No Textual here.

Import the submodule you need (``from pos_tui.api import errors``, ``from pos_tui.api.client
import LoyaltyClient``): ``import pos_tui.api`` itself imports nothing.
"""
