"""Tests of the analyst store: schema doc, views, search, export, labels, Datasette."""
