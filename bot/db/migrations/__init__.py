"""Alembic migrations of faqbot's database (a package so that installs ship them)."""
