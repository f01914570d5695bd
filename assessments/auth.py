"""Signing in with Django's users, with the read that every signed-in request makes written by
hand (``statements.py``): the user of the session, by primary key."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connections, router

from assessments.statements import columns, rows, table

User = get_user_model()
_U = columns(User, "u")
_USER = f"SELECT {_U.sql} FROM {table(User)} u WHERE u.id = %s"  # noqa: S608 (names from the model)


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        connection = connections[router.db_for_read(User)]
        found = rows(connection, _USER, [user_id])
        user = _U.instance(connection, found[0], 0) if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
