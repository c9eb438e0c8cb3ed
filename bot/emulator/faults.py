"""Faults of the Bot API on demand: 502 Bad Gateway, or calls held past the client's time-out.

Telegram's front ends answer 502 when its back end is away, and a call can hang until the
client gives up. Both happen *before* the method runs here (the request never reached
Telegram), which is the case a bot must survive without losing or repeating a message; a
call that ran and whose answer was lost is another fault, and no Bot API client can tell it
from this one (there is no idempotency key).

The switch is a Python handle (``emulator.faults``) and, for a benchmark in another process,
an HTTP endpoint on the emulator, ``POST /_faults`` with a JSON body of :meth:`ApiFaults.set`'s
arguments (``{}`` clears them; ``GET`` answers the counts)::

    emulator.faults.set(bad_gateway=0.3, methods={"sendMessage"})   # 30 % of sendMessage
    emulator.faults.set(hold=65.0, until=time.monotonic() + 3)      # every call, for 3 s
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

from .errors import ApiError

__all__ = ["NEVER_FAULTED", "ApiFaults", "Fault"]

NEVER_FAULTED = frozenset({"getMe"})
"""Answered whatever the faults: a starting bot's token check is not what is measured."""


@dataclass(frozen=True)
class Fault:
    """What happens to one call: an error to answer, or seconds to hold it first."""

    error: ApiError | None = None
    hold: float = 0.0


class ApiFaults:
    """The switch: what share of calls fails, how, for which methods, until when.

    :param seed: the share is drawn from a generator of its own, so a run can be replayed
    :param clock: monotonic seconds, for ``until``
    """

    def __init__(self, *, seed: int | None = None, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._random = random.Random(seed)
        self.bad_gateway = 0.0
        self.hold = 0.0
        self.hold_share = 1.0
        self.methods: frozenset[str] | None = None
        self.sparing: frozenset[str] = frozenset()
        self.until: float | None = None
        self.answered_502 = 0
        self.held = 0

    def set(
        self,
        *,
        bad_gateway: float = 0.0,
        hold: float = 0.0,
        hold_share: float = 1.0,
        methods: Collection[str] | None = None,
        sparing: Collection[str] = (),
        until: float | None = None,
        seconds: float | None = None,
    ) -> None:
        """Switch faults on (all zeros: off); what was set before is replaced.

        :param bad_gateway: the share of calls answered 502 Bad Gateway (1.0: every call)
        :param hold: hold each faulted call this many seconds before answering (a client
            with a shorter time-out gives up first)
        :param hold_share: the share of calls held, when ``hold`` is set
        :param methods: only these Bot API methods (case as Telegram spells them); all if
            ``None``
        :param sparing: never these (e.g. ``getUpdates``: a held long poll only delays intake)
        :param until: faults end at this moment of ``clock``
        :param seconds: faults end this long from now (instead of ``until``)
        :raises ValueError: a share outside 0..1, or a negative hold
        """
        for name, share in (("bad_gateway", bad_gateway), ("hold_share", hold_share)):
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"{name} is a share of calls, 0..1: got {share}")
        if hold < 0:
            raise ValueError(f"hold is seconds, 0 or more: got {hold}")
        self.bad_gateway = bad_gateway
        self.hold = hold
        self.hold_share = hold_share
        self.methods = frozenset(methods) if methods is not None else None
        self.sparing = frozenset(sparing)
        self.until = self.clock() + seconds if seconds is not None else until

    def clear(self) -> None:
        """No faults from now on (the calls held now still wait out their hold)."""
        self.set()

    @property
    def active(self) -> bool:
        if self.until is not None and self.clock() >= self.until:
            return False
        return self.bad_gateway > 0 or self.hold > 0

    def draw(self, method: str) -> Fault | None:
        """The fault for one call of ``method`` now, or ``None``: answer it as usual."""
        if method in NEVER_FAULTED or method in self.sparing or not self.active:
            return None
        if self.methods is not None and method not in self.methods:
            return None
        if self.hold > 0 and self._random.random() < self.hold_share:
            self.held += 1
            return Fault(hold=self.hold)
        if self.bad_gateway > 0 and self._random.random() < self.bad_gateway:
            self.answered_502 += 1
            return Fault(error=ApiError(502, "Bad Gateway"))
        return None

    async def apply(self, method: str) -> None:
        """Before a call runs: hold it, or raise the 502 it is answered with.

        :raises ApiError: the call is answered with this error and does not run
        """
        fault = self.draw(method)
        if fault is None:
            return
        if fault.hold:
            await asyncio.sleep(fault.hold)  # the client gave up long ago, or waits it out
        if fault.error is not None:
            raise fault.error

    def counts(self) -> dict[str, object]:
        """What was done so far, and whether faults are on: the control endpoint's answer."""
        return {"active": self.active, "bad_gateway": self.answered_502, "held": self.held}
