"""Persistence of organisation records: SQLAlchemy 2 tables and Alembic migrations.

SQLite (a file in the data folder) by default; any SQLAlchemy URL works, PostgreSQL with psycopg 3
is tested. Only ``services`` use this package (an import-linter contract).
"""

from mesocare.store.db import Database, default_url

# every table module, so that ``Base.metadata`` is whole wherever the store is used (one line each)
from mesocare.store import models  # noqa: F401  (isort: skip)
from mesocare.store import models_governance  # noqa: F401  (isort: skip)
from mesocare.store import models_cases  # noqa: F401  (isort: skip)
from mesocare.store import models_plans  # noqa: F401  (isort: skip)
from mesocare.store import models_grid  # noqa: F401  (isort: skip)
from mesocare.store import models_workshops  # noqa: F401  (isort: skip)
from mesocare.store import models_learning  # noqa: F401  (isort: skip)

__all__ = ["Database", "default_url"]
