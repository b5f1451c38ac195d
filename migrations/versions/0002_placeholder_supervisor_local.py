"""placeholder so that 0003 applies on this branch (the lead replaces it with the real 0002 or an empty one)

Revision ID: 0002
Revises: 0001
"""

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
