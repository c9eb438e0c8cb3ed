"""End-to-end throughput and latency of the Telegram bot, through the Bot API emulator.

    .venv/bin/python -m benchmarks.bot_throughput [--customers 50] [--rates 100,200] [--duration 10]
        [--backends sqlite,postgresql,postgresql+redis] [--write-readme]

The bot runs as it does in production, in a process of its own (``python -m bot``, long
polling, the demo KB, its own database); this process plays Telegram (the emulator from
``bot/emulator``) and the customers. Runs per backend (SQLite; PostgreSQL; PostgreSQL with the
dialogue state, its locks and the rate limit in Redis, as production runs):

* **closed loop**: ``--customers`` customers each ask ``--questions`` questions, one after
  another, each as soon as the previous one is answered: how many updates per second the bot
  handles when it is the bottleneck;
* **open loop**: questions arrive at each of ``--rates`` per second for ``--duration`` s, spread
  over many customers, whatever the bot does: the latency customers see at that load.

Latency is measured on the emulator's clock: *end to end* from the moment an update is queued
to the moment the bot's reply arrives; *bot* from the moment the bot fetched the update
(its getUpdates answer) to the reply's arrival, i.e. without the time the update waited in
Telegram's queue. *handler* is aiogram's own log line ("Update id=... is handled. Duration N
ms"): from the start of the update's processing to its end, reply sent. Questions are ones
the demo KB answers or clarifies (one message each), so every update gets exactly one reply;
*lost* counts updates without a reply. Percentiles are nearest-rank (``benchmarks/measure.py``).

One job per module: ``harness`` runs ``python -m bot`` and reads its log, ``timing`` keeps the
emulator's clock and matches replies to questions, ``load`` plays the customers, ``report``
writes the table and the README section, ``cli`` parses the command. The scratch databases are
shared with the desk benchmark (``benchmarks/databases.py``).
"""
