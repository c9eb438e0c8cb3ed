"""reply_markup checks with Telegram's wording, and the inline keyboard a Message echoes back."""

from __future__ import annotations

from typing import Any

from .errors import bad_request

CALLBACK_DATA_LIMIT = 64  # bytes
# The order telegram-bot-api tries them in (Client::get_inline_keyboard_button_type):
# the first one present wins, the rest are ignored.
INLINE_ACTIONS = (
    "url", "callback_data", "callback_game", "pay", "switch_inline_query",
    "switch_inline_query_chosen_chat", "switch_inline_query_current_chat", "login_url",
    "web_app", "copy_text",
)  # fmt: skip
_EMPTY_MEANS_ABSENT = ("url", "callback_data")


def _button_action(button: dict[str, Any], *, pedantic: bool) -> str:
    present = [
        name
        for name in INLINE_ACTIONS
        if name in button and not (name in _EMPTY_MEANS_ABSENT and button[name] in ("", None))
    ]
    if not present:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if pedantic and len(present) > 1:
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be "
            f"used, got {', '.join(present)} (the emulator is stricter than Telegram here, "
            f"which uses {present[0]} and ignores the rest)"
        )
    return present[0]


def _inline_keyboard(rows: Any, *, pedantic: bool) -> dict[str, Any]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    echoed: list[list[dict[str, Any]]] = []
    too_long = False
    for row in rows:
        echoed_row = []
        for button in row:
            if not isinstance(button, dict):
                raise bad_request(
                    "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                )
            if not isinstance(button.get("text"), str):
                raise bad_request("can't parse inline keyboard button: Can't find field \"text\"")
            action = _button_action(button, pedantic=pedantic)
            if button["text"] == "":
                raise bad_request("inline keyboard button text must be non-empty")
            if action == "callback_data":
                data = str(button["callback_data"])
                too_long = too_long or len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT
            kept = {"text": button["text"], action: button[action]}
            for name in ("style", "icon_custom_emoji_id"):
                if name in button:
                    kept[name] = button[name]
            echoed_row.append(kept)
        echoed.append(echoed_row)
    if too_long:
        # Telegram's servers, not the Bot API, check this, so it comes after the parsing errors.
        raise bad_request("BUTTON_DATA_INVALID")
    return {"inline_keyboard": echoed}


def _reply_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "keyboard" must be an Array of Arrays')
    for row in rows:
        for button in row:
            if isinstance(button, str):
                continue
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request("can't parse keyboard button: Can't find field \"text\"")


def check_reply_markup(markup: Any, *, pedantic: bool) -> dict[str, Any] | None:
    """Validate ``reply_markup``; return the inline keyboard a Message carries, if any.

    Telegram echoes only inline keyboards in ``Message.reply_markup``; reply keyboards,
    ``remove_keyboard`` and ``force_reply`` are accepted and not shown.

    :raises ApiError: 400, e.g. "BUTTON_DATA_INVALID" for callback_data over 64 bytes
    """
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("object expected as reply markup")
    if "inline_keyboard" in markup:
        return _inline_keyboard(markup["inline_keyboard"], pedantic=pedantic)
    if "keyboard" in markup:
        _reply_keyboard(markup["keyboard"])
    return None


def inline_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """All buttons of a message's inline keyboard, row by row."""
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]
