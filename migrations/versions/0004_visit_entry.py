"""visit.entry: logged live (Arrive/Leave) or after the fact

Revision ID: 0004
Revises: 0003

SPEC §2 (2026-12-02) adds ``entry`` to the visit. Existing visits were all logged live. SQLite adds the column with its
CHECK in one ALTER TABLE: a batch rebuild of ``visit`` would drop the coverage triggers of 0003.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            "ALTER TABLE visit ADD COLUMN entry VARCHAR(8) DEFAULT 'live' NOT NULL "
            "CONSTRAINT ck_visit_entry CHECK (entry IN ('live', 'after'))"
        )
    else:
        op.add_column('visit', sa.Column('entry', sa.String(length=8), server_default='live', nullable=False))
        op.create_check_constraint('ck_visit_entry', 'visit', "entry IN ('live', 'after')")


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite 3.35+ drops a column that no index or trigger names; its CHECK goes with it.
        op.execute('ALTER TABLE visit DROP COLUMN entry')
    else:
        op.drop_constraint('ck_visit_entry', 'visit', type_='check')
        op.drop_column('visit', 'entry')
