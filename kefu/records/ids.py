"""Fresh record ids that two parallel pull requests practically never share."""

from __future__ import annotations

import secrets
from collections.abc import Callable

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def fresh_id(prefix: str, taken: Callable[[str], bool] = lambda _: False, length: int = 4) -> str:
    """`prefix` plus `length` random characters, not `taken` (36^4 ids per prefix).

    Two PRs opened the same day with 50 tickets each collide with odds of about 1 in 700;
    `kefu validate` still catches that case as a duplicate id.
    """
    for _ in range(1000):
        candidate = prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))
        if not taken(candidate):
            return candidate
    raise RuntimeError(f"no free id left for {prefix}")
