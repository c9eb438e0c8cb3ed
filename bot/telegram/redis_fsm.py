"""aiogram's FSM storage in Redis, with one round trip where aiogram's takes three.

aiogram's :class:`~aiogram.fsm.storage.redis.RedisStorage` and its isolation cost a customer's
question seven round trips to Redis: take the conversation's lock, read the state, read the
data (the handler loads the conversation), read it again and write it (``update_data``),
release the lock. Here taking the lock reads the state and the data in the same round trip,
and until the lock is released the storage answers reads of that conversation from what it
read then, and writes through. Four round trips, with the rate limit's own.

That copy is exact because of the lock: nobody else writes a conversation while its update
holds it (aiogram's isolation serialises updates of one conversation across processes, and no
code of ours writes another conversation's FSM data). Outside the lock, or for another key,
reads go to Redis as before. Keys, values and the lock's Lua release are aiogram's and
redis-py's, so a bot on this storage and one on aiogram's read each other's conversations.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import uuid
from collections.abc import AsyncGenerator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import StateType, StorageKey
from aiogram.fsm.storage.redis import (
    DEFAULT_REDIS_LOCK_KWARGS,
    RedisEventIsolation,
    RedisStorage,
)
from redis.asyncio import Redis
from redis.exceptions import LockNotOwnedError

__all__ = ["LockedRead", "RedisFsmIsolation", "RedisFsmStorage"]

LOCK_RETRY_S = 0.1
"""Between two tries for a lock another process holds (redis-py's ``Lock`` default)."""

# The compare-and-delete redis-py's Lock releases with: only the holder's token deletes it.
_RELEASE = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("del", KEYS[1])
end
return 0
"""


def _text(value: Any) -> str | None:
    return value.decode("utf-8") if isinstance(value, bytes) else value


@dataclass
class LockedRead:
    """A conversation's state and data as read when its lock was taken, kept up to date by
    the writes made while it is held. ``open`` turns False at the release: a task that
    outlives the update reads Redis again."""

    name: str
    state: str | None
    data: dict[str, Any] = field(default_factory=dict)
    open: bool = True


class RedisFsmStorage(RedisStorage):
    """:class:`RedisStorage` that answers from the read its isolation made under the lock.

    Build it as aiogram's (``RedisFsmStorage(redis, key_builder=...)``) and take the isolation
    from :meth:`create_isolation`: the two share what was read.
    """

    def __init__(self, redis: Redis, **kwargs: Any) -> None:
        super().__init__(redis, **kwargs)
        self._held: ContextVar[LockedRead | None] = ContextVar(f"fsm-read-{id(self)}", default=None)

    def create_isolation(self, **kwargs: Any) -> RedisFsmIsolation:
        return RedisFsmIsolation(self, **kwargs)

    def _read_of(self, key: StorageKey) -> LockedRead | None:
        held = self._held.get()
        if held is not None and held.open and held.name == self.key_builder.build(key):
            return held
        return None

    async def get_state(self, key: StorageKey) -> str | None:
        held = self._read_of(key)
        return held.state if held is not None else await super().get_state(key)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await super().set_state(key, state)
        held = self._read_of(key)
        if held is not None:
            held.state = state.state if isinstance(state, State) else state

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        held = self._read_of(key)
        if held is None:
            return await super().get_data(key)
        return copy.deepcopy(held.data)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await super().set_data(key, data)
        held = self._read_of(key)
        if held is not None:
            # As stored: through JSON, so what is read back is what Redis would give.
            held.data = self.json_loads(self.json_dumps(data)) if data else {}

    async def read_locked(
        self, key: StorageKey, lock: str, token: str, expires_ms: int
    ) -> LockedRead | None:
        """Take ``lock`` and read the state and data of ``key``, in one round trip.

        :returns: what was read, or None if another holder has the lock (nothing taken)
        """
        state_key = self.key_builder.build(key, "state")
        data_key = self.key_builder.build(key, "data")
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.set(lock, token, nx=True, px=expires_ms)
            pipe.mget(state_key, data_key)
            taken, (state, data) = await pipe.execute()
        if not taken:
            return None
        raw = _text(data)
        return LockedRead(
            self.key_builder.build(key), _text(state), self.json_loads(raw) if raw else {}
        )

    @contextlib.asynccontextmanager
    async def holding(self, read: LockedRead) -> AsyncGenerator[None, None]:
        """Answer reads of ``read``'s conversation from it while the block runs."""
        reset = self._held.set(read)
        try:
            yield
        finally:
            read.open = False
            self._held.reset(reset)


class RedisFsmIsolation(RedisEventIsolation):
    """One conversation's updates one at a time, across processes: aiogram's Redis lock
    (same key, same expiry, same release), taken together with the conversation's read.

    :param storage: the storage whose reads the lock comes with
    :param lock_kwargs: ``timeout`` (seconds) is the lock's expiry, as in aiogram's
    """

    def __init__(self, storage: RedisFsmStorage, lock_kwargs: dict[str, Any] | None = None) -> None:
        super().__init__(storage.redis, storage.key_builder, lock_kwargs)
        self.storage = storage
        timeout = self.lock_kwargs.get("timeout", DEFAULT_REDIS_LOCK_KWARGS["timeout"])
        self.expires_ms = int(timeout * 1000)
        self._release = storage.redis.register_script(_RELEASE)

    @contextlib.asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        name = self.storage.key_builder.build(key, "lock")
        token = uuid.uuid4().hex
        while (read := await self.storage.read_locked(key, name, token, self.expires_ms)) is None:
            await asyncio.sleep(LOCK_RETRY_S)
        try:
            async with self.storage.holding(read):
                yield
        finally:
            if not await self._release(keys=[name], args=[token]):
                raise LockNotOwnedError(
                    f"the FSM lock {name} expired (over {self.expires_ms} ms) or was taken over "
                    "before the update was done",
                    lock_name=name,
                )

    async def close(self) -> None:
        """Nothing of its own: the storage closes the Redis client."""
