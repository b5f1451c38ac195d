"""user_account.session_generation and login_failure: sign-out that holds, throttling every server shares

Revision ID: 0005
Revises: 0004

Issue 10 B8. ``session_generation`` is part of every browser session's id: signing out (or a new password) bumps
it, so a copied or replayed session cookie stops working. ``login_failure`` keeps failed sign-ins — keyed by a keyed
hash of the username or of the client address, never the name or address itself — so that every gunicorn worker and
every app server counts the same failures with no extra service (SPEC §3: more than 10 in 15 minutes → 429).
``user_account`` gains its column with a plain ALTER TABLE on SQLite too (no batch rebuild).
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'user_account', sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False)
    )
    op.create_table(
        'login_failure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure')),
    )
    op.create_index('ix_login_failure_key_at', 'login_failure', ['key', 'at'], unique=False)
    op.create_index('ix_login_failure_at', 'login_failure', ['at'], unique=False)


def downgrade():
    op.drop_index('ix_login_failure_at', table_name='login_failure')
    op.drop_index('ix_login_failure_key_at', table_name='login_failure')
    op.drop_table('login_failure')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE user_account DROP COLUMN session_generation')
    else:
        op.drop_column('user_account', 'session_generation')
