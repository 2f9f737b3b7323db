"""Who the till is to the loyalty API: its user, its account and its secret (never shown)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import SecretStr


class Credentials:
    """Who the till is: ``user_id``, ``account_id`` and the secret (password or API key).

    ``secret_kind`` says which field carries the secret (``user_password`` or
    ``user_api_key``); with ``in_header`` it travels in the ``api_access_key`` header instead.
    """

    __slots__ = ("user_id", "account_id", "_secret", "secret_kind", "in_header")

    def __init__(
        self,
        user_id: str,
        account_id: str,
        secret: str | SecretStr,
        *,
        secret_kind: Literal["password", "api_key"] = "password",
        in_header: bool = False,
    ) -> None:
        self.user_id = user_id
        self.account_id = account_id
        self._secret = secret if isinstance(secret, SecretStr) else SecretStr(secret)
        self.secret_kind = secret_kind
        self.in_header = in_header

    @property
    def secret(self) -> SecretStr:
        return self._secret

    def __repr__(self) -> str:
        return (
            f"Credentials(user_id={self.user_id!r}, account_id={self.account_id!r}, "
            f"secret='**********', secret_kind={self.secret_kind!r}, in_header={self.in_header})"
        )

    __str__ = __repr__

    def __reduce__(self) -> Any:  # never pickle the secret by accident
        raise TypeError("Credentials cannot be pickled")
