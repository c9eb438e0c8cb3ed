"""The ticket form over HTTP: every step, skips, a screenshot, the contact button, priority,
SLA in the confirmation, cancelling, stale buttons, and a restart in the middle."""

from __future__ import annotations

import pytest

from bot.db.models import Ticket
from bot.dialogue.ticket_form import FormStep, Level
from bot.emulator import TelegramEmulator
from bot.emulator.driver import Chat, buttons
from bot.emulator.state import JSON
from bot.serving import Answers
from bot.telegram import App
from bot.telegram.callbacks import FormAction, FormChoice
from bot.telegram.states import TicketForm, form_state, form_step
from bot.tickets import Impact, Priority, TicketStatus, Urgency
from tests.bot.db.fixtures import ScratchDatabase
from tests.telegram.conftest import NIGHT, Clock, rows, running, sent_params


async def _start_form(chat: Chat, question: str = "как завершить поездку") -> JSON:
    answer = await chat.say(question)
    return await chat.press(answer, text="Связаться с оператором")


async def test_full_form_files_a_ticket_with_priority_and_sla(
    bot: App, anna: Chat, telegram: TelegramEmulator, database: ScratchDatabase
) -> None:
    form = await _start_form(anna)
    assert "Вопрос 1 из 9" in form["text"]
    when = await anna.say("Машина не закрывается, висит «Завершение»")
    assert "Вопрос 2 из 9" in when["text"] and "Когда это началось?" in when["text"]
    error = await anna.say("сегодня в 14:00")
    assert "Какую ошибку вы видите?" in error["text"]
    telegram.send_photo(anna.user, anna.user.private_chat, caption="Ошибка 502")
    tried = await anna.reply()
    assert "Вы уже смотрели:" in tried["text"] and "• Как завершить аренду" in tried["text"]
    device = await anna.press(tried, text="Оставить как есть")
    assert "На каком устройстве" in device["text"]
    order = await anna.say("iPhone 13, iOS 17.2")
    contact = await anna.press(order, text="Пропустить")
    keyboard = sent_params(telegram, contact)["reply_markup"]
    assert keyboard["keyboard"][0][0]["request_contact"] is True
    telegram.send_contact(anna.user, anna.user.private_chat, phone_number="+79001234567")
    urgency = await anna.reply()
    assert buttons(urgency) == [
        "🔴 Срочно, прямо сейчас",
        "🟡 Желательно сегодня",
        "🟢 Не срочно",
        "Отмена",
    ]
    impact = await anna.press(urgency, text="🔴 Срочно, прямо сейчас")
    confirm = await anna.press(impact, text="Совсем не могу пользоваться")
    text = confirm["text"]
    assert text.startswith("Проверьте заявку")
    for shown in (
        "как завершить поездку",
        "сегодня в 14:00",
        "Ошибка 502",
        "iPhone 13, iOS 17.2",
        "+7 900 123-45-67",  # written the way a typed one is
        "Вложения: 1 файл",
    ):
        assert shown in text
    assert "Номер заказа" not in text  # skipped
    assert buttons(confirm) == ["Отправить", "Отмена"]
    created = await anna.press(confirm, text="Отправить")
    assert created["text"].startswith("✅ Заявка №1001 создана, приоритет: критический.")
    assert "Ответим в течение 30 минут." in created["text"]
    assert sent_params(telegram, created)["reply_markup"] == {"remove_keyboard": True}

    [ticket] = await rows(database, Ticket)
    assert ticket.number == 1001 and ticket.status is TicketStatus.NEW
    assert (ticket.urgency, ticket.impact, ticket.priority) == (
        Urgency.BLOCKING,
        Impact.EVERYONE,
        Priority.CRITICAL,
    )
    assert ticket.question == "как завершить поездку"
    assert ticket.what_happened == (
        "как завершить поездку\n\nМашина не закрывается, висит «Завершение»"
    )
    assert ticket.when_happened == "сегодня в 14:00"
    assert ticket.error_text == "Ошибка 502"
    assert ticket.attachments == [["photo", ticket.attachments[0][1]]]
    assert ticket.attachments[0][1].startswith("photo-")
    assert ticket.tried == ["Как завершить аренду"]
    assert ticket.device == "iPhone 13, iOS 17.2"
    assert ticket.order_number is None
    assert ticket.contact is not None and ticket.contact.startswith("+7 900 123-45-67")


async def _skip_to_contact(chat: Chat) -> JSON:
    step = await chat.press(await _start_form(chat), text="Оставить как есть")  # what
    for _ in range(4):  # when, error, tried, device
        step = await chat.press(step, text=buttons(step)[0])
    return await chat.press(step, text="Пропустить")  # order


async def test_a_typed_contact_must_hold_a_phone_or_an_address_and_is_kept_readable(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    contact = await _skip_to_contact(anna)
    assert "Как с вами связаться" in contact["text"]
    again = await anna.say("2")
    assert again["text"].startswith("Не похоже на телефон или e-mail.")
    assert "Как с вами связаться" in again["text"]
    urgency = await anna.say("8 (900) 123 45 67, после 18:00")
    assert "Насколько это срочно?" in urgency["text"]
    impact = await anna.press(urgency, text="🟢 Не срочно")
    confirm = await anna.press(impact, text="Неудобно, но терпимо")
    assert "+7 900 123-45-67, после 18:00" in confirm["text"]
    await anna.press(confirm, text="Отправить")
    [ticket] = await rows(database, Ticket)
    assert ticket.contact == "+7 900 123-45-67, после 18:00"


async def test_here_is_a_contact_enough_and_nothing_to_keep(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    await _skip_to_contact(anna)
    urgency = await anna.say("пишите сюда")
    assert "Насколько это срочно?" in urgency["text"]
    impact = await anna.press(urgency, text="🟢 Не срочно")
    confirm = await anna.press(impact, text="Неудобно, но терпимо")
    await anna.press(confirm, text="Отправить")
    [ticket] = await rows(database, Ticket)
    assert ticket.contact is None


async def _skip_to_urgency(chat: Chat, form: JSON) -> JSON:
    step = await chat.press(form, text="Оставить как есть")  # what
    for _ in range(4):  # when, error, tried, device
        step = await chat.press(step, text=buttons(step)[0])
    step = await chat.press(step, text="Пропустить")  # order
    return await chat.say("Пропустить")  # contact: a reply-keyboard button sends text


async def test_every_text_step_can_be_skipped(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    urgency = await _skip_to_urgency(anna, await _start_form(anna))
    impact = await anna.press(urgency, text="🟢 Не срочно")
    confirm = await anna.press(impact, text="Неудобно, но терпимо")
    created = await anna.press(confirm, text="Отправить")
    assert "приоритет: низкий" in created["text"]
    assert "Ответим в течение 8 часов." in created["text"]
    [ticket] = await rows(database, Ticket)
    assert ticket.priority is Priority.LOW
    assert (ticket.when_happened, ticket.error_text, ticket.device, ticket.contact) == (
        None,
        None,
        None,
        None,
    )


async def test_what_the_question_said_is_shown_at_its_step_to_keep_or_type_over(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    what = await anna.say(
        "Позовите оператора: с утра машина не открывается, пишет «Ошибка <502>», iPhone 13, "
        "договор 77-1234"
    )
    when = await anna.press(what, text="Оставить как есть")
    assert "Из вашего сообщения:" in when["text"] and "с утра" in when["text"]
    assert buttons(when) == ["Оставить как есть", "Отмена"]
    error = await anna.press(when, text="Оставить как есть")
    assert "Из вашего сообщения:" in error["text"] and "Ошибка <502>" in error["text"]
    assert buttons(error) == ["Оставить как есть", "Отмена"]
    tried = await anna.press(error, text="Оставить как есть")
    device = await anna.press(tried, text=buttons(tried)[0])
    assert "Из вашего сообщения: iPhone 13." in device["text"]
    order = await anna.say("iPhone 13 mini, iOS 17.5")  # typed over
    assert "Из вашего сообщения: 77-1234." in order["text"]
    await anna.press(order, text="Оставить как есть")
    urgency = await anna.say("Пропустить")  # the contact
    impact = await anna.press(urgency, text="🟢 Не срочно")
    confirm = await anna.press(impact, text="Неудобно, но терпимо")
    await anna.press(confirm, text="Отправить")
    [ticket] = await rows(database, Ticket)
    assert (ticket.when_happened, ticket.error_text, ticket.device, ticket.order_number) == (
        "с утра",
        "Ошибка <502>",
        "iPhone 13 mini, iOS 17.5",
        "77-1234",
    )


async def test_after_hours_the_confirmation_says_when_an_agent_sees_it(
    bot: App, anna: Chat, clock: Clock
) -> None:
    clock.now = NIGHT
    urgency = await _skip_to_urgency(anna, await _start_form(anna))
    impact = await anna.press(urgency, text="🟡 Желательно сегодня")
    confirm = await anna.press(impact, text="Неудобно, но терпимо")
    created = await anna.press(confirm, text="Отправить")
    assert "приоритет: средний" in created["text"]
    assert (
        "Сейчас нерабочее время: оператор увидит её завтра в 09:00 МСК "
        "и ответит в течение 4 часов." in created["text"]
    )


@pytest.mark.parametrize("how", ["button", "command", "text"])
async def test_cancel_drops_the_form(
    bot: App, anna: Chat, database: ScratchDatabase, how: str
) -> None:
    form = await _start_form(anna)
    step = await anna.press(form, text="Оставить как есть")
    if how == "button":
        cancelled = await anna.press(step, text="Отмена")
    else:
        cancelled = await anna.say("/cancel" if how == "command" else "Отмена")
    assert cancelled["text"].startswith("Хорошо, заявку не отправляем.")
    assert await rows(database, Ticket) == []
    # Back to questions: the next message is searched, not taken as a form answer.
    answer = await anna.say("не приходит код из смс")
    assert answer["text"].startswith("Не приходит код для входа")


async def test_a_button_of_an_earlier_step_does_not_skip_the_current_one(
    bot: App, anna: Chat
) -> None:
    form = await _start_form(anna)
    when = await anna.press(form, text="Оставить как есть")
    await anna.press(when, text="Пропустить")  # now at "error"
    query = anna.click(when, text="Пропустить")  # "when" again, from the old message
    answer = await anna.callback_answer(query)
    assert answer["text"] == "Эта кнопка уже не действует. Напишите, пожалуйста, вопрос ещё раз."
    tried = await anna.say("Ошибка 42")  # still the "error" step
    assert "Что вы уже пробовали?" in tried["text"]


async def test_a_sticker_in_the_form_repeats_the_question(
    bot: App, anna: Chat, telegram: TelegramEmulator
) -> None:
    form = await _start_form(anna)
    when = await anna.press(form, text="Оставить как есть")
    telegram.send_sticker(anna.user, anna.user.private_chat)
    again = await anna.reply()
    assert again["text"] == when["text"]


async def test_a_document_or_photo_at_any_step_is_kept_and_said_to_be(
    bot: App, anna: Chat, telegram: TelegramEmulator, database: ScratchDatabase
) -> None:
    form = await _start_form(anna)
    await anna.press(form, text="Оставить как есть")
    telegram.send_document(anna.user, anna.user.private_chat, file_name="receipt.pdf")
    again = await anna.reply()  # "when" asked again: a file is no answer to it
    assert again["text"].startswith("📎 Приложили к заявке, оператор увидит.")
    assert "Когда это началось?" in again["text"]
    telegram.send_photo(anna.user, anna.user.private_chat)
    again = await anna.reply()
    assert again["text"].startswith("📎 Приложили к заявке") and "Когда это" in again["text"]
    urgency = await _skip_rest_to_urgency(anna, again)
    impact = await anna.press(urgency, text="🟢 Не срочно")
    confirm = await anna.press(impact, text="Неудобно, но терпимо")
    assert "Вложения: 2 файла" in confirm["text"]
    await anna.press(confirm, text="Отправить")
    [ticket] = await rows(database, Ticket)
    assert [kind for kind, _ in ticket.attachments] == ["document", "photo"]


async def test_an_album_in_the_form_is_kept_whole_and_answered_once(
    bot: App, anna: Chat, telegram: TelegramEmulator, database: ScratchDatabase
) -> None:
    form = await _start_form(anna)
    when = await anna.press(form, text="Оставить как есть")
    telegram.send_album(anna.user, anna.user.private_chat, 4)
    again = await anna.reply()
    assert again["text"].startswith("📎 Приложили к заявке") and "Когда это" in again["text"]
    error = await anna.say("вчера")  # the next reply answers this, not another photo
    assert "Какую ошибку вы видите?" in error["text"]
    telegram.send_album(anna.user, anna.user.private_chat, 2, caption="Ошибка 502")
    tried = await anna.reply()  # a captioned screenshot answers the error question
    assert "Вы уже смотрели:" in tried["text"]
    urgency = await _skip_rest_to_urgency(anna, tried, steps=3)
    impact = await anna.press(urgency, text="🟢 Не срочно")
    confirm = await anna.press(impact, text="Неудобно, но терпимо")
    assert "Вложения: 6 файлов" in confirm["text"] and "Ошибка 502" in confirm["text"]
    assert when["text"] in again["text"]


async def _skip_rest_to_urgency(chat: Chat, when: JSON, steps: int = 5) -> JSON:
    step = when
    for _ in range(steps):  # when, error, tried, device, order
        step = await chat.press(step, text=buttons(step)[0])
    return await chat.say("Пропустить")


async def test_restart_in_the_middle_of_the_form_loses_nothing(
    telegram: TelegramEmulator, database: ScratchDatabase, answers: Answers, clock: Clock
) -> None:
    chat = Chat(telegram, telegram.new_user("Ирина"))
    async with running(telegram, database, answers, clock):
        form = await _start_form(chat, "поцарапал машину")
        await chat.say("Царапина на двери")
        await chat.say("вчера вечером")
        tried = await chat.say("Повреждение не отмечено")
    # A new process: new Bot, Dispatcher and storage objects over the same database.
    async with running(telegram, database, answers, clock):
        device = await chat.press(tried, text="Оставить как есть")
        assert "На каком устройстве" in device["text"]
        await chat.say("Android 14")  # device; the order number is asked next
        await chat.say("A-1234")  # order number; the contact is asked next
        urgency = await chat.say("Пропустить")
        impact = await chat.press(urgency, text="🟡 Желательно сегодня")
        confirm = await chat.press(impact, text="Не получается сделать что-то важное")
        created = await chat.press(confirm, text="Отправить")
    assert "Заявка №1001 создана" in created["text"] and "приоритет: средний" in created["text"]
    assert form["message_id"] < created["message_id"]
    [ticket] = await rows(database, Ticket)
    assert ticket.what_happened == "поцарапал машину\n\nЦарапина на двери"
    assert ticket.when_happened == "вчера вечером"
    assert ticket.error_text == "Повреждение не отмечено"
    assert ticket.device == "Android 14" and ticket.order_number == "A-1234"
    assert ticket.priority is Priority.MEDIUM


async def test_handing_over_with_a_ticket_open_adds_to_it(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    urgency = await _skip_to_urgency(anna, await _start_form(anna))
    impact = await anna.press(urgency, text="🟢 Не срочно")
    confirm = await anna.press(impact, text="Неудобно, но терпимо")
    await anna.press(confirm, text="Отправить")
    added = await anna.say("и ещё: приложение зависает")
    assert added["text"] == "Добавили к заявке №1001, оператор увидит."
    assert len(await rows(database, Ticket)) == 1


async def test_a_huge_answer_is_refused_and_the_question_stays(bot: App, anna: Chat) -> None:
    form = await _start_form(anna)
    await anna.press(form, text="Оставить как есть")
    refused = await anna.say("очень долго " * 1000)
    assert refused["text"] == "Сообщение слишком длинное. Пожалуйста, уложитесь в 4096 символов."
    error = await anna.say("вчера")  # still the "when" question
    assert "Какую ошибку вы видите?" in error["text"]


# --- the Telegram form is derived from the same list -------------------------------------------


def test_the_telegram_form_has_one_state_per_step_named_by_it() -> None:
    assert TicketForm.__all_states_names__ == tuple(f"TicketForm:{s.value}" for s in FormStep)
    for step in FormStep:
        assert form_step(form_state(step).state) is step
    assert form_step("TicketForm:gone") is None and form_step("CsatForm:comment") is None


def test_form_buttons_pack_the_step() -> None:
    packed = FormChoice(step=FormStep.URGENCY, level=Level.HIGH).pack()
    assert packed == "choice:urgency:high"
    assert FormChoice.unpack(packed).step is FormStep.URGENCY
    assert FormAction.unpack("form:contact:skip").step is FormStep.CONTACT


@pytest.mark.parametrize("word", ["/отмена", "отмена", "/выход"])
async def test_typed_cancel_or_exit_at_a_choice_step_drops_the_form(
    bot: App, anna: Chat, database: ScratchDatabase, word: str
) -> None:
    await _skip_to_urgency(anna, await _start_form(anna))
    cancelled = await anna.say(word)
    assert cancelled["text"].startswith("Хорошо, заявку не отправляем.")
    assert await rows(database, Ticket) == []


async def test_typed_words_skip_and_numbers_choose_as_in_the_terminal(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    await _start_form(anna)
    for word in ("пропустить", "-", "не знаю", "нет", "Пропустить", "-", "-"):
        step = await anna.say(word)  # what .. contact, by typing
    assert "Насколько это срочно?" in step["text"]
    impact = await anna.say("1")
    assert "Насколько сильно это мешает?" in impact["text"]
    confirm = await anna.say("3")
    assert confirm["text"].startswith("Проверьте заявку")
    created = await anna.say("да")  # typed, as in the terminal
    assert "создана" in created["text"]
    [ticket] = await rows(database, Ticket)
    assert (ticket.urgency, ticket.impact) == (Urgency.BLOCKING, Impact.ONLY_ME)


async def test_operator_mid_form_files_what_is_known_at_once(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    form = await _start_form(anna)
    await anna.press(form, text="Оставить как есть")
    await anna.say("вчера вечером")
    created = await anna.say("оператор")
    assert "Заявка" in created["text"] and "создана" in created["text"]
    [ticket] = await rows(database, Ticket)
    assert (ticket.question, ticket.when_happened) == ("как завершить поездку", "вчера вечером")


async def test_asking_for_a_person_in_words_mid_form_files_at_once(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    form = await _start_form(anna)
    await anna.press(form, text="Оставить как есть")
    created = await anna.say("соедините с живым человеком")
    assert "Заявка" in created["text"] and "создана" in created["text"]
    [ticket] = await rows(database, Ticket)
    assert ticket.question == "как завершить поездку" and ticket.when_happened is None


async def test_small_talk_mid_form_gets_a_word_back_and_the_same_question(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    form = await _start_form(anna)
    when = await anna.press(form, text="Оставить как есть")
    assert "Когда это началось?" in when["text"]
    for said, reply in (("спасибо", "Пожалуйста!"), ("ты бот?", "Я бот"), ("понятно", "Хорошо.")):
        again = await anna.say(said)
        assert again["text"].startswith(reply), again["text"]
        assert "Когда это началось?" in again["text"]  # the same question, still open
    await anna.say("вчера вечером")
    created = await anna.say("пока")  # leaving: what is known goes to a person
    assert "Заявка" in created["text"] and "создана" in created["text"]
    [ticket] = await rows(database, Ticket)
    assert (ticket.question, ticket.when_happened) == ("как завершить поездку", "вчера вечером")
    assert ticket.error_text is None  # «пока» is no answer to «какую ошибку вы видите?»


async def test_the_problem_gone_mid_form_drops_the_form(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    form = await _start_form(anna)
    when = await anna.press(form, text="Оставить как есть")
    dropped = await anna.say("Ой, всё, сама разобралась, спасибо!")
    assert dropped["text"].startswith("Отлично, рад, что всё получилось! Заявку не отправляем.")
    assert "Когда это началось?" in when["text"]
    assert await rows(database, Ticket) == []
    answer = await anna.say("как завершить поездку")  # and the bot answers questions again
    assert "Помогло" in " ".join(buttons(answer))


async def test_a_new_question_typed_in_the_form_is_asked_about_and_searched(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    form = await _start_form(anna)
    await anna.press(form, text="Оставить как есть")
    asked = await anna.say("как поменять тариф?")
    assert asked["text"].startswith("«как поменять тариф?» — это новый вопрос?")
    assert buttons(asked) == ["✍️ Это ответ", "🔎 Новый вопрос"]
    dropped = await anna.press(asked, text="🔎 Новый вопрос")
    assert dropped["text"] == "Хорошо, эту заявку не отправляем. Ищу ответ на новый вопрос."
    found = await anna.reply()
    assert "Тарифы и классы машин" in " ".join(buttons(found))  # the tariff article offered
    assert await rows(database, Ticket) == []
    query = anna.click(asked, text="✍️ Это ответ")  # the form is gone: its buttons are stale
    assert (await anna.callback_answer(query))["text"].startswith("Эта кнопка уже не действует")


async def test_a_question_typed_in_the_form_can_be_its_answer_after_all(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    form = await _start_form(anna)
    await anna.press(form, text="Оставить как есть")
    asked = await anna.say("как поменять тариф?")
    error = await anna.press(asked, text="✍️ Это ответ")
    assert "Какую ошибку вы видите?" in error["text"]  # the next question
    await anna.say("оператор")
    [ticket] = await rows(database, Ticket)
    assert ticket.when_happened == "как поменять тариф?"


async def test_an_answer_not_phrased_as_a_question_is_never_asked_about(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    form = await _start_form(anna)
    await anna.press(form, text="Оставить как есть")
    error = await anna.say("после того как поменял тариф")
    assert "Какую ошибку вы видите?" in error["text"]


async def test_the_contact_is_asked_once_and_remembered(
    bot: App, anna: Chat, database: ScratchDatabase
) -> None:
    from bot.db.models import Customer

    await _start_form(anna)
    for _ in range(6):  # what .. order
        step = await anna.say("-")
    assert "Как с вами связаться" in step["text"]
    await anna.say("+7 900 123-45-67")
    await anna.say("2")
    confirm = await anna.say("3")
    await anna.press(confirm, text="Отправить")
    closed = await anna.say("/close")
    assert closed["text"].startswith("Заявка №1001 закрыта.")
    [customer] = await rows(database, Customer)
    assert customer.contact == "+7 900 123-45-67"

    await _start_form(anna, "не приходит код из смс")
    for _ in range(6):
        step = await anna.say("-")
    assert "Насколько это срочно?" in step["text"]  # the contact step is skipped
    await anna.say("2")
    confirm = await anna.say("3")
    assert "+7 900 123-45-67" in confirm["text"]
    await anna.press(confirm, text="Отправить")
    assert [t.contact for t in await rows(database, Ticket)] == ["+7 900 123-45-67"] * 2
