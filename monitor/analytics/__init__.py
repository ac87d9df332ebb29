"""Browsing the store with Datasette (optional extra `news-monitor[datasette]`).

Owns: the Datasette metadata (`metadata.json`: titles, table and column
descriptions, canned queries) and building a read-only Datasette instance on
the store (`web.py`). Does not own: the schema (`monitor.store.migrations`)
or its documentation (`docs/schema.md`, which the tests keep in step with
`metadata.json`).
"""
