"""Fresh record ids that two parallel pull requests practically never share."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def ticket_id(received: datetime, taken: Callable[[str], bool] = lambda _: False) -> str:
    """`T-YYYYMMDD-xxxx`: the Beijing date received and 4 random characters (36^4 per day).

    Two PRs opened the same day with 50 tickets each collide with odds of about 1 in 700;
    `kefu validate` still catches that case as a duplicate id.
    """
    day = received.astimezone(SHANGHAI).strftime("%Y%m%d")
    for _ in range(1000):
        candidate = f"T-{day}-" + "".join(secrets.choice(ALPHABET) for _ in range(4))
        if not taken(candidate):
            return candidate
    raise RuntimeError(f"no free ticket id left for {day}")
