"""aiogram FSM storage in our SQL database: the durable default when no Redis is configured.

State and data of one key live in one row of ``fsm_states`` (:class:`bot.db.models.FsmRecord`),
so a half-filled ticket form survives a restart. Data must be JSON, as with aiogram's
``RedisStorage``. A row whose state is cleared and whose data is empty is deleted.

Every change is written at once (inside the handler's transaction, if one is open: see
:class:`~bot.serving.database.Database`); reads are served from memory after the first one. aiogram
reads the state of every update and handlers read the data again, and on SQLite each read is
a transaction of its own (a few milliseconds); the copy in memory is exact as long as this
process is the only writer, which one bot process polling Telegram is. Several processes
sharing conversations (webhook workers behind a balancer) should use Redis (``REDIS_URL``).
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.db.models import FsmRecord
from bot.serving.database import Database
from bot.tickets import Clock, utc_now

__all__ = ["SqlStorage"]

DEFAULT_REMEMBERED = 10_000
"""Conversations kept in memory; older ones are read from the table again when they return."""


@dataclass(frozen=True)
class _Row:
    """What the table holds for a key; ``stored`` is False when there is no row."""

    state: str | None
    data: dict[str, Any]
    stored: bool


_ABSENT = _Row(None, {}, stored=False)


def _state_name(state: StateType) -> str | None:
    return state.state if isinstance(state, State) else state


class SqlStorage(BaseStorage):
    """FSM state and data in the ``fsm_states`` table.

    :param database: transactions over the bot's engine
    :param key_builder: turns a :class:`StorageKey` into the row's key; the default includes
        the bot id and the destiny, so one table can serve several bots
    :param now: the clock for ``updated_at``
    :param remembered: how many keys to keep in memory
    """

    def __init__(
        self,
        database: Database,
        *,
        key_builder: KeyBuilder | None = None,
        now: Clock = utc_now,
        remembered: int = DEFAULT_REMEMBERED,
    ) -> None:
        self.database = database
        self.key_builder = key_builder or DefaultKeyBuilder(
            with_bot_id=True, with_business_connection_id=True, with_destiny=True
        )
        self.now = now
        self.remembered = remembered
        self._rows: OrderedDict[str, _Row] = OrderedDict()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        row = await self._row(key)
        await self._write(key, row, _state_name(state), row.data)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._row(key)).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        row = await self._row(key)
        await self._write(key, row, row.state, dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return copy.deepcopy((await self._row(key)).data)

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        row = await self._row(key)
        merged = {**row.data, **data}
        await self._write(key, row, row.state, merged)
        return copy.deepcopy(merged)

    async def close(self) -> None:
        """Nothing to release: the engine belongs to whoever built it."""

    async def _row(self, key: StorageKey) -> _Row:
        name = self.key_builder.build(key)
        row = self._rows.get(name)
        if row is not None:
            self._rows.move_to_end(name)
            return row
        async with self.database.transaction() as session:
            record = await session.scalar(select(FsmRecord).where(FsmRecord.key == name))
            row = (
                _Row(record.state, dict(record.data), stored=True)
                if record is not None
                else _ABSENT
            )
        self._remember(name, row)
        return row

    async def _write(
        self, key: StorageKey, row: _Row, state: str | None, data: dict[str, Any]
    ) -> None:
        if row.stored and (state, data) == (row.state, row.data):
            return
        if not row.stored and state is None and not data:
            return
        name = self.key_builder.build(key)
        # A copy: the caller's dict may change after this call, the stored one must not.
        data = copy.deepcopy(data)
        async with self.database.transaction() as session:
            if state is None and not data:
                await session.execute(delete(FsmRecord).where(FsmRecord.key == name))
                new = _ABSENT
            elif row.stored:
                await session.execute(
                    update(FsmRecord)
                    .where(FsmRecord.key == name)
                    .values(state=state, data=data, updated_at=self.now())
                )
                new = _Row(state, data, stored=True)
            else:
                try:
                    async with session.begin_nested():
                        session.add(
                            FsmRecord(
                                key=name,
                                chat_id=key.chat_id,
                                user_id=key.user_id,
                                state=state,
                                data=data,
                                updated_at=self.now(),
                            )
                        )
                except IntegrityError:
                    # Stored after all: a commit whose answer the connection lost (the
                    # database restarting), so memory still says "absent".
                    await session.execute(
                        update(FsmRecord)
                        .where(FsmRecord.key == name)
                        .values(state=state, data=data, updated_at=self.now())
                    )
                new = _Row(state, data, stored=True)
            # Inside a handler's transaction, the row is written when that one commits.
            self.database.after_commit(lambda: self._remember(name, new))

    def _remember(self, name: str, row: _Row) -> None:
        self._rows[name] = row
        self._rows.move_to_end(name)
        while len(self._rows) > self.remembered:
            self._rows.popitem(last=False)
