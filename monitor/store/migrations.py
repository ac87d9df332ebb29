"""Schema of the store, as forward migrations (sqlite-utils `Migrations`).

Owns: every CREATE/ALTER of the store, one function per step. A released step
is never edited; a change is a new function appended at the end. Does not own:
queries (see the repository modules beside this one).
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("news_monitor")

FTS_TOKENIZER = "unicode61 remove_diacritics 2"  # folds é->e so "amende" finds "amendé"


@migrations()
def m001_feeds_and_articles(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE feeds (
            name TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            lang TEXT,
            interval_s INTEGER NOT NULL DEFAULT 900,
            enabled INTEGER NOT NULL DEFAULT 1,
            etag TEXT,
            last_modified TEXT,
            last_polled TEXT,
            last_status TEXT,
            last_http_status INTEGER,
            error_count INTEGER NOT NULL DEFAULT 0,
            first_error_at TEXT,
            last_error TEXT,
            next_poll TEXT,
            disabled_reason TEXT,
            items_seen INTEGER NOT NULL DEFAULT 0,
            articles_stored INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            guid TEXT,
            feed TEXT NOT NULL REFERENCES feeds(name),
            source TEXT NOT NULL,
            title TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            lang TEXT,
            published TEXT,
            fetched TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            extraction TEXT NOT NULL DEFAULT 'page',
            extraction_error TEXT,
            story_id INTEGER REFERENCES stories(id),
            duplicate_of INTEGER REFERENCES articles(id)
        );
        CREATE INDEX idx_articles_guid ON articles(feed, guid);
        CREATE INDEX idx_articles_hash ON articles(content_hash);
        CREATE INDEX idx_articles_published ON articles(published);
        CREATE INDEX idx_articles_story ON articles(story_id);
        """
    )
    db.table("articles").enable_fts(
        ["title", "text"], fts_version="FTS5", tokenize=FTS_TOKENIZER, create_triggers=True
    )


@migrations()
def m002_classifications_and_stories(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE classifications (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id),
            label TEXT NOT NULL,
            score REAL NOT NULL,
            action TEXT,
            authority TEXT,
            target TEXT,
            amount REAL,
            currency TEXT,
            country TEXT,
            law TEXT,
            event_date TEXT,
            model TEXT NOT NULL,
            model_version TEXT NOT NULL,
            classified_at TEXT NOT NULL
        );
        CREATE INDEX idx_classifications_label ON classifications(label);
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            title TEXT NOT NULL,
            languages TEXT NOT NULL DEFAULT '',
            representative_article_id INTEGER REFERENCES articles(id),
            label TEXT NOT NULL DEFAULT 'other',
            score REAL NOT NULL DEFAULT 0,
            action TEXT,
            authority TEXT,
            target TEXT,
            amount REAL,
            currency TEXT,
            country TEXT,
            law TEXT,
            event_date TEXT,
            source_count INTEGER NOT NULL DEFAULT 1,
            version INTEGER NOT NULL DEFAULT 1,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_stories_last_seen ON stories(last_seen);
        CREATE TABLE article_vectors (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id),
            model TEXT NOT NULL,
            vector BLOB NOT NULL
        );
        CREATE TABLE article_signatures (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id),
            minhash BLOB NOT NULL
        );
        """
    )


@migrations()
def m003_outbox_and_subscribers(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE alerts (
            id TEXT PRIMARY KEY,
            story_id INTEGER NOT NULL UNIQUE REFERENCES stories(id),
            label TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            idempotency_key TEXT NOT NULL UNIQUE,
            alert_id TEXT REFERENCES alerts(id),
            kind TEXT NOT NULL DEFAULT 'alert',
            channel TEXT NOT NULL,
            recipient TEXT NOT NULL,
            alert_version INTEGER NOT NULL DEFAULT 0,
            sent_version INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt TEXT,
            last_error TEXT,
            external_id TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT
        );
        CREATE INDEX idx_deliveries_status ON deliveries(status, next_attempt);
        CREATE TABLE subscribers (
            chat_id INTEGER PRIMARY KEY,
            username TEXT,
            active INTEGER NOT NULL DEFAULT 1,
            paused INTEGER NOT NULL DEFAULT 0,
            filters TEXT NOT NULL DEFAULT '{}',
            lang TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            deactivated_reason TEXT
        );
        CREATE TABLE labels (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            label TEXT NOT NULL,
            fields TEXT NOT NULL DEFAULT '{}',
            who TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX idx_labels_article ON labels(article_id);
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT
        );
        """
    )


@migrations()
def m004_analyst_views(db: Database) -> None:
    # Views for analysts (documented in docs/schema.md). One statement per execute()
    # so the step stays inside the migration's transaction (executescript commits).
    db.execute(
        """
        CREATE VIEW enforcement_events AS
        SELECT
            s.id AS story_id,
            s.title AS title,
            s.action AS action,
            s.authority AS authority,
            s.target AS target,
            s.amount AS amount,
            s.currency AS currency,
            s.country AS country,
            s.law AS law,
            s.event_date AS event_date,
            s.score AS score,
            s.first_seen AS first_seen,
            s.last_seen AS last_seen,
            (SELECT count(DISTINCT a.source) FROM articles a WHERE a.story_id = s.id)
                AS source_count,
            (SELECT count(*) FROM articles a WHERE a.story_id = s.id) AS article_count,
            (SELECT group_concat(lang, ',') FROM (
                SELECT DISTINCT a.lang FROM articles a
                WHERE a.story_id = s.id AND a.lang IS NOT NULL ORDER BY a.lang
            )) AS languages,
            (SELECT a.url FROM articles a WHERE a.id = s.representative_article_id) AS url,
            (SELECT al.id FROM alerts al WHERE al.story_id = s.id) AS alert_id,
            s.version AS version,
            s.updated_at AS updated_at
        FROM stories s
        WHERE s.label = 'enforcement'
        """
    )
    db.execute(
        """
        CREATE VIEW story_sources AS
        SELECT
            s.id AS story_id,
            s.label AS story_label,
            s.title AS story_title,
            a.id AS article_id,
            a.source AS outlet,
            a.feed AS feed,
            a.lang AS lang,
            a.url AS url,
            a.published AS published,
            a.fetched AS fetched,
            a.title AS title
        FROM stories s
        JOIN articles a ON a.story_id = s.id
        """
    )
    db.execute(
        """
        CREATE VIEW daily_counts AS
        SELECT
            coalesce(date(a.published), date(a.fetched)) AS day,
            c.label AS label,
            c.country AS country,
            count(*) AS articles,
            count(DISTINCT a.story_id) AS stories
        FROM classifications c
        JOIN articles a ON a.id = c.article_id
        GROUP BY 1, 2, 3
        """
    )


@migrations()
def m005_articles_fetched_index(db: Database) -> None:
    # The clusterer restores the stories that received articles lately (by fetch time),
    # and the daemon looks for unanalysed recent articles: both filter on `fetched`.
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_fetched ON articles(fetched)")


@migrations()
def m006_measures(db: Database) -> None:
    # Every measure imposed besides the main action ("delete_data,stop_processing").
    db.execute("ALTER TABLE classifications ADD COLUMN measures TEXT")
    db.execute("ALTER TABLE stories ADD COLUMN measures TEXT")
    db.execute("DROP VIEW enforcement_events")
    db.execute(
        """
        CREATE VIEW enforcement_events AS
        SELECT
            s.id AS story_id,
            s.title AS title,
            s.action AS action,
            s.measures AS measures,
            s.authority AS authority,
            s.target AS target,
            s.amount AS amount,
            s.currency AS currency,
            s.country AS country,
            s.law AS law,
            s.event_date AS event_date,
            s.score AS score,
            s.first_seen AS first_seen,
            s.last_seen AS last_seen,
            (SELECT count(DISTINCT a.source) FROM articles a WHERE a.story_id = s.id)
                AS source_count,
            (SELECT count(*) FROM articles a WHERE a.story_id = s.id) AS article_count,
            (SELECT group_concat(lang, ',') FROM (
                SELECT DISTINCT a.lang FROM articles a
                WHERE a.story_id = s.id AND a.lang IS NOT NULL ORDER BY a.lang
            )) AS languages,
            (SELECT a.url FROM articles a WHERE a.id = s.representative_article_id) AS url,
            (SELECT al.id FROM alerts al WHERE al.story_id = s.id) AS alert_id,
            s.version AS version,
            s.updated_at AS updated_at
        FROM stories s
        WHERE s.label = 'enforcement'
        """
    )
