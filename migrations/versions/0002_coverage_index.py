"""covering index for the coverage query

Revision ID: 0002
Revises: 0001

The coverage query reads, per hot spot, the visits started in a period: with every column it needs in the index,
SQLite and PostgreSQL answer it from the index alone (no lookup of each visit's row), in index order (no sort).
"""
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_visit_coverage',
        'visit',
        ['hotspot_id', 'started_at', 'ended_at', 'deleted', 'officers', 'on_site', 'officer_id'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_visit_coverage', table_name='visit')
