"""The agents' desk over HTTP: a topic per ticket, the relay both ways, commands, CSAT."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.db.models import Ticket, TicketMessage
from bot.emulator import TelegramEmulator
from bot.emulator.driver import Chat, buttons, file_ticket
from bot.serving import Answers
from bot.telegram import App
from bot.tickets import MessageDirection, TicketStatus
from kb import load_folder
from kb.index import Index
from tests.bot.db.fixtures import ScratchDatabase
from tests.telegram.conftest import ARTICLES, Clock, rows, running
from tests.telegram.desk_fixtures import Desk, eventually


async def test_the_whole_story(
    desk_bot: App,
    anna: Chat,
    agents: Desk,
    telegram: TelegramEmulator,
    database: ScratchDatabase,
) -> None:
    olga = telegram.new_user("Ольга", username="olga_support")
    await file_ticket(anna, "рецепт борща")

    # A topic named after the ticket, its card first.
    card = await agents.next(topic=None)
    topic = agents.topic_of(1001)
    assert card["message_thread_id"] == topic
    [named] = [t for t in telegram.topics(agents.chat) if t["message_thread_id"] == topic]
    assert named["name"] == "🟠 #1001 · рецепт борща · новая"
    assert "Заявка #1001" in card["text"] and "рецепт борща" in card["text"]
    assert "Анна" in card["text"] and buttons(card) == ["🙋 Взять себе", "✅ Закрыть"]

    # The agent answers in the topic; the customer gets it from the bot.
    agents.say(olga, topic, "Здравствуйте! Уточните, пожалуйста, какой борщ?")
    answer = await anna.reply()
    assert answer["text"] == "Здравствуйте! Уточните, пожалуйста, какой борщ?"
    assert answer["from"]["is_bot"]

    # The customer answers with a photo: it appears in the topic.
    telegram.send_photo(anna.user, anna.user.private_chat, caption="вот такой")
    copied = await agents.next(topic)
    assert copied["photo"] and copied["caption"] == "вот такой"

    # /kb finds an article; one tap sends it to the customer as the bot renders it.
    agents.say(olga, topic, "/kb как завершить поездку")
    found = await agents.next(topic)
    assert "Завершить поездку" in " ".join(buttons(found)) or buttons(found)
    telegram.press_button(found, text=buttons(found)[0], user=olga)
    article = await anna.reply()
    assert article["text"]
    sent_note = await agents.next(topic)
    assert sent_note["text"].startswith("📤 Ольга")

    # /close: the customer is asked to rate; the rating is stored.
    agents.say(olga, topic, "/close")
    rating = await anna.reply()
    assert "Оцените" in rating["text"]
    comment = await anna.press(rating, text="5 ⭐")
    anna.click(comment, text="Пропустить")
    await telegram.wait_until_polling()
    [ticket] = await rows(database, Ticket)
    assert ticket.status is TicketStatus.RESOLVED and ticket.csat_score == 5
    assert ticket.first_response_at is not None and ticket.assignee_id == olga.id

    # The bot answers the next question itself again; nothing goes to the topic.
    in_topic = len(telegram.sent_messages(agents.chat, topic=topic))
    reply = await anna.say("как завершить поездку")
    assert "Добавили к заявке" not in reply["text"] and buttons(reply)[:1] == ["👍 Помогло"]
    await telegram.wait_until_polling()
    assert len(telegram.sent_messages(agents.chat, topic=topic)) == in_topic


async def test_customer_messages_reach_the_topic_in_order_and_once(
    desk_bot: App, anna: Chat, agents: Desk, telegram: TelegramEmulator, database: ScratchDatabase
) -> None:
    await file_ticket(anna)
    await agents.next(topic=None)  # the card
    topic = agents.topic_of(1001)
    # Nothing the knowledge base answers («первое» finds an article): straight to the ticket.
    for text in ("сообщение 1", "сообщение 2", "сообщение 3"):
        telegram.send_text(anna.user, anna.user.private_chat, text)
    relayed = [(await agents.next(topic))["text"] for _ in range(3)]
    assert relayed == ["сообщение 1", "сообщение 2", "сообщение 3"]

    async def all_delivered() -> bool:
        messages = await rows(database, TicketMessage)
        return all(m.delivered for m in messages if m.direction is MessageDirection.IN)

    await eventually(all_delivered)


async def test_internal_notes_stay_in_the_topic(
    desk_bot: App, anna: Chat, agents: Desk, telegram: TelegramEmulator, database: ScratchDatabase
) -> None:
    olga = telegram.new_user("Ольга")
    await file_ticket(anna)
    await agents.next(topic=None)
    topic = agents.topic_of(1001)
    agents.say(olga, topic, "//клиент VIP, не торопить")
    agents.say(olga, topic, "/note проверить оплату")
    await agents.next(topic)  # «Заметка сохранена»
    agents.say(olga, topic, "Добрый день!")
    assert (await anna.reply())["text"] == "Добрый день!"
    notes = [
        m for m in await rows(database, TicketMessage) if m.direction is MessageDirection.INTERNAL
    ]
    assert [n.text for n in notes] == ["клиент VIP, не торопить", "проверить оплату"]


async def test_a_question_in_the_wrong_layout_reaches_the_card_with_the_bots_reading(
    desk_bot: App, anna: Chat, agents: Desk, telegram: TelegramEmulator
) -> None:
    await file_ticket(anna, "htwtgn ,jhof yt yfqlty")  # «рецепт борща не найден»
    card = await agents.next(topic=None)
    assert "htwtgn ,jhof yt yfqlty" in card["text"]  # the customer's own words first
    assert "Бот прочитал как: рецепт борща не найден" in card["text"]
    [topic] = telegram.topics(agents.chat)
    assert topic["name"] == "🟠 #1001 · рецепт борща не найден · новая"  # listed as read


async def test_a_question_typed_right_has_no_reading_on_its_card(
    desk_bot: App, anna: Chat, agents: Desk
) -> None:
    await file_ticket(anna, "рецепт борща")
    assert "Бот прочитал как" not in (await agents.next(topic=None))["text"]


async def test_a_later_message_in_the_wrong_layout_reaches_the_topic_with_the_bots_reading(
    desk_bot: App, anna: Chat, agents: Desk, telegram: TelegramEmulator
) -> None:
    olga = telegram.new_user("Ольга")
    await file_ticket(anna)
    await agents.next(topic=None)  # the card
    topic = agents.topic_of(1001)
    agents.say(olga, topic, "Здравствуйте! Смотрю вашу заявку.")
    await anna.reply()
    telegram.send_text(anna.user, anna.user.private_chat, "ye xnj nfv c vjtq pfzdrjq")
    relayed = await agents.next(topic)
    assert relayed["text"] == (
        "💬 Клиент: ye xnj nfv c vjtq pfzdrjq\nБот прочитал как: ну что там с моей заявкой"
    )
    telegram.send_text(anna.user, anna.user.private_chat, "спасибо, жду")
    assert (await agents.next(topic))["text"] == "спасибо, жду"  # typed right: copied as is


async def test_html_in_names_and_texts_is_shown_literally(
    desk_bot: App, telegram: TelegramEmulator, agents: Desk
) -> None:
    tricky = Chat(telegram, telegram.new_user("<3 & Co", last_name="<b>x</b>"))
    await file_ticket(tricky, "<script>alert(1)</script> & борщ")
    card = await agents.next(topic=None)
    assert "<3 & Co <b>x</b>" in card["text"]
    assert "<script>alert(1)</script> & борщ" in card["text"]
    topic = agents.topic_of(1001)
    olga = telegram.new_user("Ольга")
    agents.say(olga, topic, "Ответ с <тегом> & амперсандом")
    assert (await tricky.reply())["text"] == "Ответ с <тегом> & амперсандом"


async def test_agent_commands_change_the_ticket_topic_and_card(
    desk_bot: App, anna: Chat, agents: Desk, telegram: TelegramEmulator, database: ScratchDatabase
) -> None:
    olga = telegram.new_user("Ольга", username="olga")
    boris = telegram.new_user("Борис", username="boris")
    await file_ticket(anna)
    await agents.next(topic=None)
    topic = agents.topic_of(1001)
    agents.say(boris, topic, "/help")  # Boris is seen by the desk
    await agents.next(topic)
    agents.say(olga, topic, "/take")
    assert (await agents.next(topic))["text"].startswith("🙋 Заявку взял(а) Ольга")
    agents.say(olga, topic, "/assign @boris")
    assert "Борис" in (await agents.next(topic))["text"]
    agents.say(olga, topic, "/priority критический")
    assert "критический" in (await agents.next(topic))["text"]
    agents.say(olga, topic, "/line 2")
    assert "2-ю линию" in (await agents.next(topic))["text"]
    agents.say(olga, topic, "/status ожидает клиента")
    assert "ожидает клиента" in (await agents.next(topic))["text"]
    [ticket] = await rows(database, Ticket)
    assert ticket.assignee_id == boris.id and ticket.line == 2
    assert ticket.status is TicketStatus.WAITING_CUSTOMER

    async def renamed() -> bool:
        return agents.topic_name(topic) == "🔴 #1001 · L2 · рецепт борща · ожидает клиента"

    await eventually(renamed)
    card = telegram.message(agents.chat, ticket.card_message_id)
    assert "исполнитель: Борис" in card["text"] and "2-я линия" in card["text"]
    # The customer answers: the ticket is back in work.
    telegram.send_text(anna.user, anna.user.private_chat, "вот ответ")
    await agents.next(topic)
    async with database.sessions() as session:
        status = await session.scalar(select(Ticket.status))
    assert status is TicketStatus.IN_PROGRESS


async def test_bad_command_arguments_are_explained(
    desk_bot: App, anna: Chat, agents: Desk, telegram: TelegramEmulator
) -> None:
    olga = telegram.new_user("Ольга")
    await file_ticket(anna)
    await agents.next(topic=None)
    topic = agents.topic_of(1001)
    agents.say(olga, topic, "/priority очень-очень")
    assert "критический, высокий, средний или низкий" in (await agents.next(topic))["text"]
    agents.say(olga, topic, "/assign @nobody")
    assert "Не знаю агента @nobody" in (await agents.next(topic))["text"]


async def test_a_customer_cannot_use_desk_commands(desk_bot: App, anna: Chat) -> None:
    reply = await anna.say("/take")
    assert reply["text"].startswith("⛔")


async def test_a_broken_article_edit_is_reported_to_the_leads(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    agents: Desk,
) -> None:
    olga = telegram.new_user("Ольга")
    async with running(
        telegram, database, answers, clock, agents_chat_id=agents.chat.id, agents=f"{olga.id}:lead"
    ) as app:
        assert app.agents_chat is not None
        # What the hot reload passes on: ``file:line: problem``.
        await app.agents_chat.report_problems(["articles/promo.md:3: invalid YAML <here>"])
        notice = await agents.next(topic=None)
        await app.agents_chat.report_problems([])
        fixed = await agents.next(topic=None)
    assert "articles/promo.md:3: invalid YAML <here>" in notice["text"]
    assert any(
        e.get("user", {}).get("id") == olga.id or e.get("url", "").endswith(str(olga.id))
        for e in notice.get("entities", [])
    )
    assert "снова в порядке" in fixed["text"]


async def test_a_lead_approves_the_wording_a_ticket_was_resolved_with(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    clock: Clock,
    agents: Desk,
    anna: Chat,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "articles"
    shutil.copytree(ARTICLES, folder)
    served = Answers(Index.build(load_folder(folder).catalog))
    olga = telegram.new_user("Ольга")
    async with running(
        telegram, database, served, clock, agents_chat_id=agents.chat.id, agents=f"{olga.id}:lead"
    ):
        await file_ticket(anna, "рецепт борща")
        await agents.next(topic=None)
        topic = agents.topic_of(1001)
        agents.say(olga, topic, "/kb завершить поездку")
        found = await agents.next(topic)
        telegram.press_button(found, text=buttons(found)[0], user=olga)
        await anna.reply()
        await agents.next(topic)  # «отправил(а) клиенту статью»
        agents.say(olga, topic, "/close")
        await anna.reply()  # the rating question
        posted = await telegram.wait_for(
            "sendMessage", lambda c: "Новая формулировка" in str(c.params.get("text"))
        )
        suggestion = posted.message
        assert suggestion is not None and "message_thread_id" not in suggestion  # General
        assert "рецепт борща" in suggestion["text"]
        article_id = suggestion["text"].split("(")[1].split(")")[0]
        path = served.get(article_id).path
        before = path.read_text(encoding="utf-8")
        telegram.press_button(suggestion, text="✅ Добавить", user=olga)
        await telegram.wait_for("editMessageText", lambda c: "Добавлено" in c.params["text"])
    after = path.read_text(encoding="utf-8")
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added == ["  - рецепт борща"] or len(added) == 1
    assert "рецепт борща" in after
    # The rest of the file is byte-identical.
    assert after.replace(added[0] + "\n", "", 1) == before


async def test_the_article_a_customer_found_beside_an_answer_learns_their_words(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    agents: Desk,
    anna: Chat,
) -> None:
    olga = telegram.new_user("Ольга")
    async with running(
        telegram, database, answers, clock, agents_chat_id=agents.chat.id, agents=f"{olga.id}:lead"
    ):
        answer = await anna.say("бонусы")  # the points, with «Приведи друга» beside them
        beside = next(label for label in buttons(answer) if label.startswith("Или: "))
        other = await anna.press(answer, text=beside)
        await anna.press(other, text="👍 Помогло")
        posted = await telegram.wait_for(
            "sendMessage", lambda c: "Новая формулировка" in str(c.params.get("text"))
        )
        assert posted.message is not None
        assert "бонусы" in posted.message["text"] and "(referral-bonus)" in posted.message["text"]


async def test_sla_reminder_and_breach_follow_the_clock(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    agents: Desk,
    anna: Chat,
) -> None:
    olga = telegram.new_user("Ольга")
    async with running(
        telegram,
        database,
        answers,
        clock,
        agents_chat_id=agents.chat.id,
        agents=f"{olga.id}:lead",
        sla_check_seconds=0.05,
    ):
        await file_ticket(anna)  # high priority: the first answer is due in an hour
        await agents.next(topic=None)
        topic = agents.topic_of(1001)
        clock.now += timedelta(minutes=50)
        reminder = await agents.next(topic)
        assert reminder["text"].startswith("⏰ До срока первого ответа 10 минут")
        clock.now += timedelta(minutes=15)
        breach = await agents.next(topic)
        assert breach["text"].startswith("🚨 Срок первого ответа нарушен")
        notice = await telegram.wait_for(
            "sendMessage",
            lambda c: (
                c.params.get("message_thread_id") is None
                and str(olga.id) in str(c.params.get("text"))
            ),
        )
        assert "#1001" in str(notice.params["text"]) or "1001" in str(notice.params["text"])
        agents.say(olga, topic, "/stats")
        stats = await agents.next(topic)
    assert "Заявок открыто: 1 · решено или закрыто: 0" in stats["text"]
    assert "Нарушения SLA: первый ответ — 1, решение — 0" in stats["text"]


async def test_canned_replies_are_managed_by_leads_and_sent_with_one_tap(
    telegram: TelegramEmulator,
    database: ScratchDatabase,
    answers: Answers,
    clock: Clock,
    agents: Desk,
    anna: Chat,
) -> None:
    lead = telegram.new_user("Ольга")
    agent = telegram.new_user("Борис")
    async with running(
        telegram,
        database,
        answers,
        clock,
        agents_chat_id=agents.chat.id,
        agents=f"{lead.id}:lead,{agent.id}:agent",
    ):
        await file_ticket(anna)
        await agents.next(topic=None)
        topic = agents.topic_of(1001)
        agents.say(agent, topic, "/canned add Привет | Здравствуйте! <Мы> на связи & рады помочь.")
        assert (await agents.next(topic))["text"].startswith("⛔")
        agents.say(lead, topic, "/canned add Привет | Здравствуйте! <Мы> на связи & рады помочь.")
        assert "сохранён" in (await agents.next(topic))["text"]
        agents.say(agent, topic, "/canned")
        offered = await agents.next(topic)
        assert buttons(offered) == ["💬 Привет"]
        telegram.press_button(offered, text="💬 Привет", user=agent)
        assert (await anna.reply())["text"] == "Здравствуйте! <Мы> на связи & рады помочь."


async def test_the_card_buttons_take_and_close(
    desk_bot: App, anna: Chat, agents: Desk, telegram: TelegramEmulator, database: ScratchDatabase
) -> None:
    olga = telegram.new_user("Ольга", username="olga")
    await file_ticket(anna)
    card = await agents.next(topic=None)
    topic = agents.topic_of(1001)
    telegram.press_button(card, text="🙋 Взять себе", user=olga)
    assert (await agents.next(topic))["text"].startswith("🙋 Заявку взял(а) Ольга (@olga)")
    [ticket] = await rows(database, Ticket)
    assert ticket.assignee_id == olga.id and ticket.status is TicketStatus.IN_PROGRESS
    telegram.press_button(card, text="✅ Закрыть", user=olga)
    assert "заявка решена" in (await agents.next(topic))["text"]
    assert "Оцените" in (await anna.reply())["text"]
    [ticket] = await rows(database, Ticket)
    assert ticket.status is TicketStatus.RESOLVED


async def test_commands_on_a_settled_or_open_ticket_say_why_not(
    desk_bot: App, anna: Chat, agents: Desk, telegram: TelegramEmulator
) -> None:
    olga = telegram.new_user("Ольга")
    await file_ticket(anna)
    await agents.next(topic=None)
    topic = agents.topic_of(1001)
    agents.say(olga, topic, "/reopen")
    assert (await agents.next(topic))["text"] == "⚠️ Заявка и так открыта."
    agents.say(olga, topic, "/close")
    assert "заявка решена" in (await agents.next(topic))["text"]
    agents.say(olga, topic, "/take")
    assert (await agents.next(topic))["text"] == "⚠️ Заявка не открыта — сначала /reopen."
    agents.say(olga, topic, "/close")
    assert (await agents.next(topic))["text"] == "⚠️ Заявка уже не открыта."
    agents.say(olga, topic, "/line 3")
    assert (await agents.next(topic))["text"].endswith("заявка передана на 3-ю линию.")
    agents.say(olga, topic, "Вы тут?")
    assert "/reopen" in (await agents.next(topic))["text"]
