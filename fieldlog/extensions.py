"""Extension objects, created bare and bound to the app in create_app()."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

# Named constraints, so that Alembic migrations can alter them on every database.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class Session(FlaskSession):
    """Flask-SQLAlchemy's session, bound to the connection of the request's own transaction while it runs one
    (fieldlog.db.own_transaction: the push): it then joins that transaction, never committing it."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None:
            from fieldlog.db import own_connection

            bind = own_connection()
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


db = SQLAlchemy(metadata=metadata, session_options={"class_": Session})
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
