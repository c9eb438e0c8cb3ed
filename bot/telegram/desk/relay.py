"""The relay between customers and the agents' topics: stored first, delivered after.

Every message of a ticket is a row before it is anything else (:func:`bot.db.repo.add_message`,
in the handler's transaction). This worker delivers the rows: a customer's message is copied
into the ticket's topic, an agent's message (or an article sent with ``/kb``, a canned reply,
the rating question after ``/close``, the ``/reopen`` notice) goes to the customer from the
bot, the agent's identity hidden.

**Lanes.** A ticket's messages going one way are a lane, delivered one after another, in
order; lanes run side by side, so an agent's answer never waits behind a customer's burst to
the topic. A lane goes a batch at a time (:mod:`bot.telegram.desk.batches`): its waiting
messages claimed in one statement, refused while an earlier message of the lane is
undelivered, so however many processes share the database, one delivers a given lane's next
messages, and only after the ones before them. The outbound scheduler
(:mod:`bot.telegram.outbound`) paces the sends to Telegram's limits.

**Failures.** A passing failure (Telegram down, a time-out) leaves the row undelivered, tried
again after a backoff (``retry_seconds``, doubling, 5 minutes at most), and on start-up: a
restart loses nothing. A permanent one (:mod:`bot.desk.delivery`: the customer blocked the
bot, the chat or the topic is gone, a request Telegram refuses) marks the row failed and
says so to the agents, in the topic (or in General, when the topic is what is gone).

**The one window.** A worker that dies between Telegram's answer and the "delivered" mark
(written for every lane together, :mod:`bot.telegram.desk.marks`) leaves a claim; after
``stale_after`` seconds another worker takes it over and sends again, so that message can
arrive twice. Stopping gracefully finishes the batches in flight and writes their marks
first, so a restart does not open that window.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from bot.db.repo import pending_lanes, retry_all_now, tickets_without_topic
from bot.serving.answers import Answers
from bot.serving.database import Database
from bot.serving.worker import Worker
from bot.telegram.desk.batches import Batches, Lane, Pacing, Turns
from bot.telegram.desk.marks import Marks
from bot.telegram.desk.topics import Topics
from bot.texts import Texts
from bot.tickets import Clock, utc_now

__all__ = ["Pacing", "Relay"]  # Pacing: what the desk passes in, defined with the batches

logger = logging.getLogger(__name__)

_LANES_PER_ROUND = 100
STOP_GRACE_S = 15.0
"""How long a stop waits for the lanes' deliveries in flight (the database may be away)."""


class Relay(Worker):
    """Delivers stored ticket messages, lane by lane; one worker per process.

    :param chat_id: the agents' chat
    :param signature: sign agents' replies with their first name (``AGENT_SIGNATURE``)
    :param retry_seconds: the first backoff of a failed delivery, and how often the worker
        looks for work nobody woke it for
    :param stale_after: seconds after which another worker's claim is taken over
    :param lanes: lanes delivering at once in this process, each way
    :param pacing: how long a send to a chat would wait now; with it, a customer's messages
        are joined into one post while the agents' group is short of budget
    """

    def __init__(
        self,
        bot: Bot,
        db: Database,
        texts: Texts,
        answers: Answers,
        topics: Topics,
        chat_id: int,
        *,
        signature: bool = False,
        clock: Clock = utc_now,
        retry_seconds: float = 5.0,
        stale_after: float = 60.0,
        lanes: int = 16,
        pacing: Pacing | None = None,
    ) -> None:
        super().__init__("relay", interval=retry_seconds)
        self.db = db
        self.topics = topics
        self.chat_id = chat_id
        self.max_lanes = lanes
        self.marks = Marks(db, clock=clock)
        self.batches = Batches(
            bot,
            db,
            texts,
            answers,
            chat_id,
            marks=self.marks,
            turns=Turns(pacing),
            signature=signature,
            clock=clock,
            retry_seconds=retry_seconds,
            stale_after=stale_after,
        )
        self._lanes: dict[Lane, asyncio.Task[None]] = {}
        self._kicks = 0  # messages stored since start: a lane ending checks for newcomers
        self._fresh = True  # the first round forgets the backoffs of before the start

    # --- the worker -----------------------------------------------------------------------

    def kick(self) -> None:
        """Something was stored: deliver it now rather than at the next retry."""
        self._kicks += 1
        self.wake()

    async def round(self) -> int:
        return await self.pump()

    def start(self) -> None:
        self._fresh = True
        super().start()

    async def stop(self) -> None:
        """Finish the deliveries in flight (every lane's current batch), write their marks,
        then stop."""
        await super().stop()
        deadline = asyncio.get_running_loop().time() + STOP_GRACE_S
        while running := [task for task in self._lanes.values() if not task.done()]:
            left = deadline - asyncio.get_running_loop().time()
            _, stuck = await asyncio.wait(running, timeout=max(0.0, left))
            if stuck and left <= 0:
                # The database away: a lane waits for it (a claim, its marks) forever. Its
                # claims stay, and are released at the next start or by a survivor.
                logger.warning(
                    "relay: %d lanes still busy after %.0f s, stopped", len(stuck), STOP_GRACE_S
                )
                for task in stuck:
                    task.cancel()
                await asyncio.gather(*stuck, return_exceptions=True)
        self._lanes.clear()
        await self.marks.close()

    async def pump(self) -> int:
        """One round: topics for new tickets, then a lane started for every ticket and
        direction with messages waiting (one already running goes on by itself).

        :returns: how many lanes were started
        """
        async with self.db.transaction() as session:
            if self._fresh:
                await retry_all_now(session)
                self._fresh = False
            waiting = [ticket.id for ticket in await tickets_without_topic(session)]
        for ticket_id in waiting:
            if self.stopping:
                return 0
            try:
                await self.topics.ensure(ticket_id)
            except TelegramAPIError as error:
                logger.error("ticket %s: no topic yet: %s", ticket_id, error)
        async with self.db.transaction() as session:
            lanes = await pending_lanes(session, limit=_LANES_PER_ROUND)
        # A lane cancelled before it ran never reached its own clean-up: forget it here, or
        # its messages would wait for a lane that is not coming.
        self._lanes = {key: task for key, task in self._lanes.items() if not task.done()}
        started = 0
        for lane in lanes:
            if self.stopping:
                break
            # Counted per direction: lanes into the one agents' group, all waiting for its
            # budget, must never take the places of the answers to customers.
            busy = sum(1 for _, direction in self._lanes if direction is lane[1])
            if lane not in self._lanes and busy < self.max_lanes:
                self._lanes[lane] = asyncio.create_task(self._run_lane(lane), name=f"relay {lane}")
                started += 1
        return started

    async def _run_lane(self, lane: Lane) -> None:
        """Deliver the lane's messages in order until none can go now.

        Wakes the worker when it ends having delivered something or having missed a kick,
        never otherwise: a lane held up (a backoff, another worker's claim) must not spin.
        """
        progress, kicks = False, self._kicks
        try:
            while not self.stopping:
                kicks = self._kicks
                if not await self.batches.deliver(lane):
                    break
                progress = True
        except Exception:
            logger.exception("relay lane %s failed; the next round takes it up", lane)
        finally:
            self._lanes.pop(lane, None)
        if not self.stopping and (progress or kicks != self._kicks):
            self.wake()
