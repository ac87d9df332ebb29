"""Digest email tests (a package, so its conftest does not take the module name `conftest`
that other test modules import helpers from)."""
