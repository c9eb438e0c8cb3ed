"""Fake Telegram users and chats for tests, serialised the way the Bot API sends them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ChatType = Literal["private", "group", "supergroup", "channel"]


@dataclass(frozen=True)
class FakeUser:
    """A Telegram account that talks to the bot.

    :param id: user id; the private chat with the bot has the same id
    :param first_name: shown by Telegram; required
    """

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "ru"
    is_bot: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for name in ("last_name", "username", "language_code"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        return data

    @property
    def private_chat(self) -> FakeChat:
        """The user's private chat with the bot."""
        return FakeChat.private(self)


@dataclass(frozen=True)
class FakeChat:
    """A chat the bot is in: a private chat with a user, or a group.

    Build one with :meth:`private` or :meth:`supergroup`.
    """

    id: int
    type: ChatType
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False

    @classmethod
    def private(cls, user: FakeUser) -> FakeChat:
        return cls(
            id=user.id,
            type="private",
            username=user.username,
            first_name=user.first_name,
            last_name=user.last_name,
        )

    @classmethod
    def supergroup(
        cls, id: int, title: str, *, is_forum: bool = True, username: str | None = None
    ) -> FakeChat:
        """A supergroup; ids of supergroups look like -100xxxxxxxxxx in Telegram."""
        return cls(id=id, type="supergroup", title=title, username=username, is_forum=is_forum)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for name in ("title", "username", "first_name", "last_name"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        if self.is_forum:
            data["is_forum"] = True
        return data

    def full_info(self) -> dict[str, Any]:
        """getChat's ChatFullInfo: the Chat plus the fields aiogram requires."""
        return {
            **self.to_json(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }


BOT = FakeUser(
    id=123456, first_name="FAQ Bot", username="faq_test_bot", language_code=None, is_bot=True
)


def bot_user_json(bot: FakeUser) -> dict[str, Any]:
    """getMe's User: the bot with the fields only getMe returns."""
    return {
        **bot.to_json(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }
