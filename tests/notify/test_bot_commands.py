"""Users talking to the bot: updates injected into the fake Bot API, replies read back."""

from __future__ import annotations

from dataclasses import replace

from monitor.config import Settings
from monitor.notify import replies
from monitor.notify.outbox import refresh_alerts
from monitor.store import Store

from .botapi import FakeBotAPI
from .botrunner import BOT_NOW
from .seed import CLEARVIEW, CNIL, EN, EN2, FR, PROBE, add_story

WELCOME = """Welcome! You are subscribed to alerts when a regulator fines, orders, bans or \
sanctions an organisation.

You will get:
• enforcement actions (no investigations)

Send /subscribe with filters to narrow them down, or /help for every command."""

SUBSCRIBED = """Subscribed. You will get:
• enforcement actions and investigations
• reported in French or English
• in France or United Kingdom
• by CNIL
• of type: fine
• with an amount of at least 1,000,000 (in the currency imposed, not converted)
• mentioning “clearview” or “meta”

Change them any time with /subscribe, see them with /filters."""


def subscriber(settings: Settings, chat: int):  # type: ignore[no-untyped-def]
    with Store(settings.store_path()) as store:
        return store.subscribers.get(chat)


def test_start_subscribes_and_sets_the_menu(bot: FakeBotAPI, tg_settings: Settings) -> None:
    assert bot.ask(101, "/start") == WELCOME
    sub = subscriber(tg_settings, 101)
    assert sub is not None and sub.active and sub.lang == "en" and sub.username == "tester"
    assert [c["command"] for c in bot.state.commands] == [c for c, _ in replies.PUBLIC_COMMANDS]
    bot.ask(102, "/start", language_code="fr-FR")
    assert subscriber(tg_settings, 102).lang == "fr"


def test_subscribe_with_filters_reads_them_back(bot: FakeBotAPI, tg_settings: Settings) -> None:
    text = (
        "/subscribe lang=fr,en country=FR,GB authority=CNIL action=fine min=1000000 "
        "keywords=clearview,meta investigations=yes"
    )
    assert bot.ask(101, text) == SUBSCRIBED
    assert (
        bot.ask(101, "/filters") == "Your alerts:\n" + SUBSCRIBED.split("\n", 1)[1].split("\n\n")[0]
    )
    assert subscriber(tg_settings, 101).filters == {
        "langs": ["fr", "en"],
        "countries": ["FR", "GB"],
        "authorities": ["CNIL"],
        "actions": ["fine"],
        "min_amount": 1000000.0,
        "keywords": ["clearview", "meta"],
        "investigations": True,
    }
    assert bot.ask(101, "/subscribe") == (
        "Subscribed. You will get:\n• enforcement actions (no investigations)\n\n"
        "Change them any time with /subscribe, see them with /filters."
    )


def test_bad_filters_and_markup_in_input_are_shown_safely(bot: FakeBotAPI) -> None:
    assert bot.ask(101, "/subscribe colour=red") == (
        "Sorry, I could not read those filters: unknown filter 'colour=red'; use key=value "
        "with a key among: lang, country, authority, action, min, keywords, investigations\n"
        "Send /help for examples."
    )
    assert bot.ask(101, "/subscribe min=lots") == (
        "Sorry, I could not read those filters: min: give one amount such as 1000000, 250k, "
        "1.5m or 1mEUR\nSend /help for examples."
    )
    reply = bot.ask(101, '/subscribe keywords="<b>x</b> & <i>"')
    assert "• mentioning “<b>x</b> & <i>”" in reply  # shown literally, not as markup


def test_pause_resume_unsubscribe(bot: FakeBotAPI) -> None:
    assert bot.ask(101, "/pause") == replies.NOT_SUBSCRIBED
    bot.ask(101, "/start")
    assert bot.ask(101, "/pause") == "Alerts paused. Send /resume to get them again."
    assert bot.ask(101, "/filters").startswith("Your alerts (paused: send /resume):\n")
    assert bot.ask(101, "/resume") == "Alerts resumed."
    assert bot.ask(101, "/unsubscribe") == (
        "Unsubscribed: you will not get alerts any more. Send /subscribe to come back."
    )
    assert bot.ask(101, "/filters") == "You are not subscribed. Send /subscribe to start."
    assert bot.ask(101, "/unsubscribe") == "You were not subscribed."


def test_pause_button_under_an_alert(bot: FakeBotAPI, tg_settings: Settings) -> None:
    bot.ask(101, "/start")
    bot.press(101, message_id=1, data="pause")
    bot.wait_for(lambda s: len(s.callback_answers) == 1)
    assert bot.state.callback_answers[0]["text"] == replies.PAUSED
    assert subscriber(tg_settings, 101).paused


def test_latest_follows_the_subscriber_filters(bot: FakeBotAPI, tg_settings: Settings) -> None:
    assert bot.ask(101, "/latest") == "No alerts yet."
    with Store(tg_settings.store_path()) as store:
        ids = [
            add_story(store, CLEARVIEW, [EN, FR]),
            add_story(store, CNIL, [FR]),
            add_story(store, PROBE, [EN]),
        ]
        refresh_alerts(store, ids, BOT_NOW, notify=tg_settings.notify)
    assert bot.ask(101, "/latest 5") == (
        "Latest alerts (2):\n"
        "• 2022-04-21 · CNIL → Dedalus Biologie · fine — €1.5m — La CNIL sanctionne un éditeur "
        "de logiciels de 1,5 million d'euros\n"
        "• 2022-05-23 · ICO → Clearview AI · fine — £7.5m — UK regulator fines Clearview AI "
        "£7.5m over facial recognition database"
    )
    bot.ask(101, "/subscribe country=GB")
    assert bot.ask(101, "/latest").startswith("Latest alerts (1):\n• 2022-05-23 · ICO")
    bot.ask(101, "/subscribe investigations=yes")
    assert bot.ask(101, "/latest 1") == (
        "Latest alerts (1):\n• 2022-05-23 · DPC → Meta — Irish regulator opens inquiry into "
        "social network's handling of children's data"
    )
    assert bot.ask(101, "/latest 99") == "Usage: /latest [n], with n from 1 to 20."


def test_search_escapes_fts_syntax(bot: FakeBotAPI, tg_settings: Settings) -> None:
    with Store(tg_settings.store_path()) as store:
        add_story(store, CLEARVIEW, [EN, FR])
        add_story(store, CNIL, [])
    assert bot.ask(101, "/search clearview régulateur") == (
        "Results for “clearview régulateur” (1):\n"
        "• Le régulateur britannique inflige 7,5 millions de livres à Clearview AI — "
        "Le Journal du Numérique, 2022-05-23, FR"
    )
    assert bot.ask(101, "/search regulateur").startswith("Results for “regulateur” (1)")
    assert bot.ask(101, '/search clear* "NEAR(AND') == 'Nothing found for “clear* "NEAR(AND”.'
    assert bot.ask(101, "/search clear*").startswith("Results for “clear*” (2)")
    assert bot.ask(101, "/search") == replies.SEARCH_USAGE


def test_digest_lists_todays_stories(bot: FakeBotAPI, tg_settings: Settings) -> None:
    assert bot.ask(101, "/digest") == "No enforcement stories yet today (2022-05-24)."
    today = replace(EN, url="https://techpolicy.example/probe", published="2022-05-24T07:00:00Z")
    with Store(tg_settings.store_path()) as store:
        add_story(store, CLEARVIEW, [EN2])  # published 2022-05-24 08:00 UTC
        add_story(store, CNIL, [FR])  # published the day before: not today
        add_story(store, PROBE, [today])  # an investigation: not by default
    assert bot.ask(101, "/digest") == (
        "Today (2022-05-24), 1 story:\n"
        "• [Enforcement] ICO → Clearview AI: fine — £7.5m · UK regulator fines Clearview AI "
        "£7.5m over facial recognition database (1 source)"
    )


def test_admin_commands(bot: FakeBotAPI, tg_settings: Settings) -> None:
    assert bot.ask(101, "/stats") == "Sorry, this command is for administrators."
    assert bot.ask(101, "/feeds") == "Sorry, this command is for administrators."
    bot.ask(101, "/start")
    with Store(tg_settings.store_path()) as store:
        add_story(store, CLEARVIEW, [EN])
    stats = bot.ask(900, "/stats")
    assert stats.startswith("Feeds: 1 (0 failing); last poll never\nArticles: 1 (en: 1)\n")
    assert stats.endswith("Subscribers: 1 active, 0 paused, 0 inactive")
    assert bot.ask(900, "/feeds") == "Feeds (1):\n• Tech Policy Wire — never polled, 0 articles"


def test_help_and_unknown_commands(bot: FakeBotAPI) -> None:
    help_text = bot.ask(101, "/help")
    assert help_text.startswith("Commands\n/subscribe [filters] — get alerts (filters below)")
    assert "Example: /subscribe country=FR,GB action=fine min=1m" in help_text
    assert bot.ask(101, "/frobnicate") == "Unknown command. Send /help for the list."
