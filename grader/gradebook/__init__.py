"""The gradebook: a class's submissions, gradings, overrides and history in one database
(SQLAlchemy 2; SQLite by default, schema migrated by Alembic when opened).

``store``    :class:`Gradebook` - register submissions, record results (committed at once),
             the previous result of an unchanged submission, overrides (recorded, withdrawn,
             the one that holds per item), history
``latest``   which of a student's several submissions counts
``models``   the tables; ``migrations/`` their Alembic history; ``migrate`` applies it
"""

from __future__ import annotations

from .latest import superseded
from .store import DEFAULT_NAME, Gradebook, OverrideRecord, RunKey, SubmissionInfo, database_url

__all__ = ["DEFAULT_NAME", "Gradebook", "OverrideRecord", "RunKey", "SubmissionInfo", "database_url", "superseded"]
