"""Reliability of the agents' desk: a burst of customers' messages, then restarts mid-burst.

    .venv/bin/python -m benchmarks.desk_reliability [--customers 20] [--messages 50]
        [--restarts 3] [--replies 10] [--backend sqlite|postgresql|both] [--write-readme]

The whole bot runs in this process as the tests run it (``build_app``, long polling) against
the Bot API emulator (``bot/emulator``, a real HTTP server), with a forum
supergroup as the agents' chat (``AGENTS_CHAT_ID``), on a fresh database: an SQLite file in
a temporary folder, or a scratch schema on PostgreSQL at 127.0.0.1:5432/test, dropped after.

1. **Tickets**: ``--customers`` customers file a ticket each through the form, all at once
   (``bot/emulator/driver.file_ticket``); the relay opens a topic per ticket.
2. **Burst**: each customer sends ``--messages`` messages as fast as the emulator queues them,
   all customers together. Counted by text: stored (rows), delivered (copies in the topic),
   lost (stored, never copied before the phase ends), not stored (sent, no row), duplicated
   (a text copied twice), out of order (a copy after a later message of the same customer).
   Latency runs from queueing the customer's update to the call that made the copy, and is
   split at the row's ``created_at``: the handlers' part, then the relay's.
3. **Restarts**: a second burst of the same size while agents answer in every topic
   (``--replies`` each, spread over the phase), and the bot is stopped ``--restarts`` times
   at random moments and started again on the same database and emulator. A stop goes the
   way ``faqbot run`` goes on SIGTERM: ``app.stop()``, ``app.close()``, the engine disposed,
   then the "process" exits: what it still runs is cancelled, as ``asyncio.run`` does (every
   task the bot started is tracked; aiogram's handlers of updates it had already fetched are
   counted). The agents' replies are counted on the customers' side.
4. **Backlog**: the bot stopped, each customer's next ``--messages`` messages are written as
   rows (``benchmarks/desk/backlog.py``), then the bot is started and its relay drains them
   with nothing else to do: *the relay alone*, from its first copy to its last.
5. **Baseline**: the same number of messages sent to the topics with plain
   ``bot.send_message``, one after another (the relay is one worker sending one at a time):
   no database, no relay. Throughput is reported as a ratio to it, since the machine is noisy.

``App.stop`` finishes the updates already fetched (they are confirmed to Telegram) before it
returns; "handlers still running" counts any it left. ``--kills`` adds hard stops (every
task cancelled where it is): the one case where the relay may send
twice; the dead worker's claim is taken over after ``stale_after`` (60 s), so the phase
then lasts that much longer.

One job per module: ``harness`` starts and stops the bot like a process, ``messages`` words
the texts and finds them in Telegram's log and the database, ``scenario`` runs the phases,
``backlog`` stores the drain's rows, ``statistics`` counts, ``report`` writes the tables and
the README section, ``cli`` parses the command. The scratch databases are shared with
``bot_throughput`` (``benchmarks/databases.py``).
"""
