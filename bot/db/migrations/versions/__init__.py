"""Numbered revisions: 0001_initial.py, 0002_....py; Alembic skips this file."""
