"""Sessions in the database, as Django keeps them, read with one hand-written statement.

``SESSION_ENGINE`` points here. The table, the encoding and everything else are Django's
(``django.contrib.sessions.backends.db``); only the read that every signed-in request makes
skips the ORM's query building, which cost more than the query (``statements.py``).
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from assessments.statements import rows, table


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        if self.session_key is None:
            return None
        connection = connections[router.db_for_read(self.model)]
        found = rows(
            connection,
            f"SELECT session_data FROM {table(self.model)}"  # noqa: S608 (a name from the model)
            " WHERE session_key = %s AND expire_date > %s",
            [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        if not found:
            # Expired or unknown: as Django's store, forget the key so that a new one is made.
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=found[0][0])
