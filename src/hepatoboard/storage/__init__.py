"""Storage: SQLAlchemy 2 models, Alembic migrations, tokens, stored assessments, audit log."""
