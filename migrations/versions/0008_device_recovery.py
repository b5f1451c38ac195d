"""device_recovery: each device's recovery key, sealed (issue 15)

Revision ID: 0008
Revises: 0007

The officer app keeps its data key wrapped by this key; the server gives it back to the same install on a password
sign-in, and deletes it when the device is revoked. A new table (not a column on ``device``): the row goes with a
revoke, and the device table is read on every API request.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('device_recovery',
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.Column('sealed_key', sa.LargeBinary(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_device_recovery_device_id_device'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('device_id', name=op.f('pk_device_recovery'))
    )


def downgrade():
    op.drop_table('device_recovery')
