"""The customer's side of a ticket over HTTP: /status, /close, messages while it is open, CSAT."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.models import Ticket, TicketMessage
from bot.db.repo import get_ticket_by_number, resolve
from bot.emulator import TelegramEmulator
from bot.emulator.driver import Chat, buttons
from bot.emulator.state import JSON
from bot.telegram import App, ask_csat
from bot.telegram.ticket_chat import ACK_AGAIN_AFTER
from bot.tickets import MessageDirection, TicketStatus
from tests.bot.db.fixtures import ScratchDatabase
from tests.telegram.conftest import Clock, rows
from tests.telegram.desk_fixtures import eventually


async def _file_ticket(chat: Chat, question: str = "рецепт борща") -> None:
    await _fill_form(chat, await chat.say(question))


async def _fill_form(chat: Chat, form: JSON) -> None:
    step = await chat.press(form, text="Оставить как есть")
    for _ in range(5):
        step = await chat.press(step, text=buttons(step)[0])
    step = await chat.say("Пропустить")
    step = await chat.press(step, text="🔴 Срочно, прямо сейчас")
    step = await chat.press(step, text="Неудобно, но терпимо")
    created = await chat.press(step, text="Отправить")
    assert "создана" in created["text"]


async def test_status_without_tickets(bot: App, anna: Chat) -> None:
    reply = await anna.say("/status")
    assert reply["text"].startswith("У вас нет открытых заявок.")


async def test_status_lists_the_open_ticket_with_priority_age_and_deadline(
    bot: App, anna: Chat, clock: Clock
) -> None:
    await _file_ticket(anna)
    clock.now += timedelta(minutes=25)
    status = await anna.say("/status")
    text = status["text"]
    assert text.startswith("У вас 1 заявка:")
    assert "№1001 · новая" in text and "рецепт борща" in text
    assert "Приоритет: высокий, создана 25 минут назад" in text
    assert "Ответим сегодня до 13:00 МСК" in text  # an hour after 12:00 Moscow time
    assert buttons(status) == ["Закрыть заявку №1001"]


async def test_my_tickets_button_shows_the_status(bot: App, anna: Chat) -> None:
    await _file_ticket(anna)
    menu = await anna.say("/start")
    status = await anna.press(menu, text="Мои заявки")
    assert status["text"].startswith("У вас 1 заявка:")


async def test_close_command_closes_the_open_ticket(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    await _file_ticket(anna)
    closed = await anna.say("/close")
    assert closed["text"].startswith("Заявка №1001 закрыта.")
    [ticket] = await rows(database, Ticket)
    assert ticket.status is TicketStatus.CLOSED and ticket.closed_at is not None
    assert (await anna.say("/close"))["text"].startswith("У вас нет открытых заявок.")


async def test_close_button_in_status(bot: App, anna: Chat, database: ScratchDatabase) -> None:
    await _file_ticket(anna)
    status = await anna.say("/status")
    closed = await anna.press(status, text="Закрыть заявку №1001")
    assert closed["text"].startswith("Заявка №1001 закрыта.")
    [ticket] = await rows(database, Ticket)
    assert ticket.status is TicketStatus.CLOSED


@pytest.mark.parametrize("said", ["всё, разобралась", "Спасибо, вопрос решён", "уже не актуально"])
async def test_solved_while_a_ticket_is_open_goes_to_it_and_offers_to_close(
    bot: App, anna: Chat, database: ScratchDatabase, said: str
) -> None:
    await _file_ticket(anna)
    offer = await anna.say(said)
    assert offer["text"].startswith("Рад, что всё решилось! Написал об этом в заявку №1001.")
    assert buttons(offer) == ["Закрыть заявку №1001"]
    messages = await rows(database, TicketMessage)
    assert [m.text for m in messages if m.direction is MessageDirection.IN][-1] == said
    closed = await anna.press(offer, text="Закрыть заявку №1001")
    assert closed["text"].startswith("Заявка №1001 закрыта.")
    [ticket] = await rows(database, Ticket)
    assert ticket.status is TicketStatus.CLOSED


async def test_asking_when_people_answer_tells_where_the_ticket_stands(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    await _file_ticket(anna)
    told = await anna.say("Когда ответите?")
    assert told["text"].startswith("Ваш вопрос — в заявке №1001, статус: новая.")
    assert "Ответим сегодня до 13:00 МСК." in told["text"]
    messages = await rows(database, TicketMessage)
    assert [m.text for m in messages if m.direction is MessageDirection.IN][-1] == "Когда ответите?"


async def test_messages_while_a_ticket_is_open_go_to_it(
    bot: App, anna: Chat, telegram: TelegramEmulator, database: ScratchDatabase
) -> None:
    await _file_ticket(anna)
    asked = await anna.say("Машину уже эвакуировали?")  # the knowledge base has an answer
    assert asked["text"] == "У вас открыта заявка №1001. Это про неё или новый вопрос?"
    assert buttons(asked) == ["Про заявку №1001", "Новый вопрос"]
    added = await anna.press(asked, text="Про заявку №1001")
    assert added["text"] == "Добавили к заявке №1001, оператор увидит."
    telegram.send_photo(anna.user, anna.user.private_chat, caption="вот фото")
    telegram.send_voice(anna.user, anna.user.private_chat)

    async def all_stored() -> bool:
        return len(await rows(database, TicketMessage)) == 3

    await eventually(all_stored)
    with pytest.raises(TimeoutError):  # the same run of messages: acknowledged once
        await anna.reply(timeout=0.5)
    messages = await rows(database, TicketMessage)
    assert [(m.direction, m.content_type, m.text) for m in messages] == [
        (MessageDirection.IN, "text", "Машину уже эвакуировали?"),
        (MessageDirection.IN, "photo", "вот фото"),
        (MessageDirection.IN, "voice", None),
    ]
    assert all(m.source_chat_id == anna.user.id for m in messages)
    assert messages[1].file_id is not None and messages[2].file_id is not None
    assert len(await rows(database, Ticket)) == 1


async def test_a_run_of_messages_is_acknowledged_once_and_a_new_run_again(
    bot: App, anna: Chat, telegram: TelegramEmulator, database: ScratchDatabase, clock: Clock
) -> None:
    await _file_ticket(anna)
    first = await anna.say("я тут, жду")
    assert first["text"] == "Добавили к заявке №1001, оператор увидит."
    for n in range(5):  # a burst of details, each a second after the one before
        clock.now += timedelta(seconds=1)
        telegram.send_text(anna.user, anna.user.private_chat, f"подробность {n}")

    async def all_stored() -> bool:
        return len(await rows(database, TicketMessage)) == 6

    await eventually(all_stored)
    with pytest.raises(TimeoutError):
        await anna.reply(timeout=0.5)
    clock.now += ACK_AGAIN_AFTER + timedelta(seconds=1)  # a pause: a new run
    again = await anna.say("я тут, всё ещё жду")
    assert again["text"] == "Добавили к заявке №1001, оператор увидит."


async def test_csat_score_and_comment_are_stored(
    bot: App, anna: Chat, database: ScratchDatabase, clock: Clock
) -> None:
    await _file_ticket(anna)
    async with database.sessions() as session, session.begin():
        ticket = await get_ticket_by_number(session, 1001)
        assert ticket is not None
        await resolve(session, ticket, now=clock)
    await ask_csat(bot.bot, bot.services.texts, chat_id=anna.user.id, number=1001)
    question = await anna.reply()
    assert question["text"].startswith("Заявка №1001 закрыта. Оцените")
    assert buttons(question) == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]
    invite = await anna.press(question, text="4 ⭐")
    assert invite["text"].startswith("Спасибо за оценку!")
    assert "что нам стоит улучшить" in invite["text"]
    thanks = await anna.say("Быстро, но пришлось ждать ответа")
    assert thanks["text"].startswith("Спасибо за отзыв!")
    [stored] = await rows(database, Ticket)
    assert (stored.csat_score, stored.csat_comment) == (4, "Быстро, но пришлось ждать ответа")
    # The conversation goes on: the next message is a question again.
    answer = await anna.say("не приходит код из смс")
    assert answer["text"].startswith("Не приходит код для входа")


async def test_csat_comment_can_be_skipped(
    bot: App, anna: Chat, telegram: TelegramEmulator, database: ScratchDatabase
) -> None:
    await _file_ticket(anna)
    await ask_csat(bot.bot, bot.services.texts, chat_id=anna.user.id, number=1001)
    question = await anna.reply()
    invite = await anna.press(question, text="2 ⭐")
    assert invite["text"].startswith("Спасибо за честную оценку.")
    query = anna.click(invite, text="Пропустить")
    await anna.callback_answer(query)
    await telegram.wait_for("editMessageReplyMarkup")
    [stored] = await rows(database, Ticket)
    assert (stored.csat_score, stored.csat_comment) == (2, None)


async def test_csat_of_someone_elses_ticket_is_refused(
    bot: App, anna: Chat, telegram: TelegramEmulator, database: ScratchDatabase
) -> None:
    await _file_ticket(anna)
    boris = Chat(telegram, telegram.new_user("Борис"))
    await boris.say("/start")
    await ask_csat(bot.bot, bot.services.texts, chat_id=boris.user.id, number=1001)
    question = await boris.reply()
    query = boris.click(question, text="1 ⭐")
    answer = await boris.callback_answer(query)
    assert answer["text"].startswith("Эта кнопка уже не действует")
    [stored] = await rows(database, Ticket)
    assert stored.csat_score is None


async def test_a_detail_sharing_one_word_with_an_article_goes_to_the_ticket_unasked(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    await _file_ticket(anna)
    # «ждать» is a word of the registration article's «Сколько ждать проверку…»: enough for the
    # word views alone to answer, not for the whole engine.
    added = await anna.say("всё так же жду")
    assert added["text"] == "Добавили к заявке №1001, оператор увидит."
    [message] = await rows(database, TicketMessage)
    assert message.text == "всё так же жду"


async def test_the_question_again_after_its_article_did_not_help_goes_to_the_ticket(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    answer = await anna.say("как завершить поездку")
    await _fill_form(anna, await anna.press(answer, text="Связаться с оператором"))
    [ticket] = await rows(database, Ticket)
    assert ticket.tried == ["Как завершить аренду"]
    added = await anna.say("так как завершить поездку?")
    assert added["text"] == "Добавили к заявке №1001, оператор увидит."
    asked = await anna.say("Машину уже эвакуировали?")  # an article not tried: asked about
    assert asked["text"] == "У вас открыта заявка №1001. Это про неё или новый вопрос?"


async def test_a_new_question_while_a_ticket_is_open_is_answered_not_merged(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    await _file_ticket(anna)
    asked = await anna.say("как завершить поездку")
    assert asked["text"] == "У вас открыта заявка №1001. Это про неё или новый вопрос?"
    answer = await anna.press(asked, text="Новый вопрос")
    assert answer["text"].startswith("Как завершить аренду")  # answered, no form
    assert await rows(database, TicketMessage) == []  # nothing added to the ticket
    typed = await anna.say("Машину уже эвакуировали?")
    assert typed["text"].startswith("У вас открыта заявка №1001")
    added = await anna.say("1")  # typed instead of the button
    assert added["text"] == "Добавили к заявке №1001, оператор увидит."
    [message] = await rows(database, TicketMessage)
    assert message.text == "Машину уже эвакуировали?" and message.source_chat_id == anna.user.id
    assert len(await rows(database, Ticket)) == 1


async def test_a_new_problem_needing_people_joins_the_open_ticket_without_a_second_form(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    await _file_ticket(anna)
    asked = await anna.say("как завершить поездку")
    answer = await anna.press(asked, text="Новый вопрос")
    following = await anna.press(answer, text="👎 Не помогло")
    told = await anna.press(following, text="Другое — написать оператору")
    assert "Вопрос 1 из" not in told["text"]  # no second form, no contact asked again
    assert told["text"].startswith("Пока заявка №1001 открыта, вторую не открываем")
    assert len(await rows(database, Ticket)) == 1
    [message] = await rows(database, TicketMessage)
    assert message.text == "как завершить поездку"


async def _rated(bot: App, anna: Chat, database: ScratchDatabase, clock: Clock) -> None:
    """Anna's ticket resolved and rated 5 ⭐: the comment is invited."""
    await _file_ticket(anna)
    async with database.sessions() as session, session.begin():
        ticket = await get_ticket_by_number(session, 1001)
        assert ticket is not None
        await resolve(session, ticket, now=clock)
    await ask_csat(bot.bot, bot.services.texts, chat_id=anna.user.id, number=1001)
    invite = await anna.press(await anna.reply(), text="5 ⭐")
    assert "что нам стоит улучшить" in invite["text"]


@pytest.mark.parametrize("question", ["не приходит код из смс", "Как завершить аренду?"])
async def test_a_question_after_a_rating_is_answered_not_swallowed(
    bot: App, anna: Chat, database: ScratchDatabase, clock: Clock, question: str
) -> None:
    await _rated(bot, anna, database, clock)
    answer = await anna.say(question)
    assert not answer["text"].startswith("Спасибо за отзыв")
    offered = buttons(answer)[0]  # an article with its vote buttons, or a list to choose from
    assert offered == "👍 Помогло" or offered.startswith("1. ")
    [stored] = await rows(database, Ticket)
    assert (stored.csat_score, stored.csat_comment) == (5, None)


async def test_the_comment_window_closes_after_a_few_minutes(
    bot: App, anna: Chat, database: ScratchDatabase, clock: Clock
) -> None:
    from bot.telegram.routers.csat import COMMENT_WINDOW

    await _rated(bot, anna, database, clock)
    clock.now += COMMENT_WINDOW + timedelta(seconds=1)
    reply = await anna.say("Быстро, но пришлось ждать ответа")
    assert not reply["text"].startswith("Спасибо за отзыв")
    [stored] = await rows(database, Ticket)
    assert (stored.csat_score, stored.csat_comment) == (5, None)
