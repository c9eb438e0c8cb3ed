"""Whether a refused delivery is worth trying again, and when: pure rules over Telegram's answer.

========================================  ==============  =================================
Telegram's answer                          failure         what the relay does
========================================  ==============  =================================
403 (blocked, deactivated, kicked)        ``blocked``     failed for good, agents told
400 "chat not found"                      ``chat_gone``   failed for good, agents told
400 "message thread not found" / TOPIC_*  ``topic_gone``  failed for good, agents told
any other 400                             ``rejected``    failed for good, agents told
5xx, network, flood control past waiting  ``None``        kept; tried again after a backoff
========================================  ==============  =================================

A 400 is Telegram refusing the request itself, so the same request would be refused again;
retrying it forever only hides the problem from the agents.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["Failure", "backoff", "failure_of"]


class Failure(Enum):
    """Why a message can never be delivered."""

    BLOCKED = "blocked"
    CHAT_GONE = "chat_gone"
    TOPIC_GONE = "topic_gone"
    REJECTED = "rejected"


def failure_of(status: int | None, description: str) -> Failure | None:
    """The permanent failure Telegram's answer means, or ``None`` for a passing one.

    >>> failure_of(403, "Forbidden: bot was blocked by the user")
    <Failure.BLOCKED: 'blocked'>
    >>> failure_of(400, "Bad Request: message thread not found")
    <Failure.TOPIC_GONE: 'topic_gone'>
    >>> failure_of(502, "Bad Gateway") is None
    True
    """
    text = description.lower()
    if status == 403:
        return Failure.BLOCKED
    if status != 400:
        return None
    if "chat not found" in text:
        return Failure.CHAT_GONE
    if "thread not found" in text or "topic_deleted" in text or "topic_closed" in text:
        return Failure.TOPIC_GONE
    return Failure.REJECTED


def backoff(attempts: int, first: float, longest: float = 300.0) -> float:
    """Seconds before attempt ``attempts + 1`` of a delivery that failed ``attempts`` times:
    ``first``, then doubling, at most ``longest``.

    >>> [backoff(n, 5) for n in (1, 2, 3, 10)]
    [5.0, 10.0, 20.0, 300.0]
    """
    return float(min(first * 2.0 ** max(attempts - 1, 0), longest))
