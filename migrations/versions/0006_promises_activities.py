"""promise, commitment, commitment_update, activity and area.embed_origins: the whole citizen promise

Revision ID: 0006
Revises: 0005

SPEC Part II §6 and §8. ``activity`` is a synced record like ``visit`` (``change_seq`` for the pull cursor); its
class label keeps the wire name ``group``, quoted by SQLAlchemy. ``area.embed_origins`` (the origins that may frame
the public page) is added with a plain ALTER TABLE on SQLite too, with '[]' for the existing areas.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('promise',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('situation', sa.Text(), nullable=False),
    sa.Column('goal', sa.Text(), nullable=False),
    sa.Column('parties', sa.Text(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_promise_period')),
    sa.CheckConstraint('rev >= 1', name=op.f('ck_promise_rev')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_promise_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promise'))
    )
    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.create_index('ix_promise_area_starts', ['area_id', 'starts_on'], unique=False)

    op.create_table('commitment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('promise_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('hotspot_ids', sa.JSON(), nullable=False),
    sa.Column('activity_types', sa.JSON(), nullable=False),
    sa.Column('target_count', sa.Integer(), nullable=True),
    sa.Column('reach_target', sa.Integer(), nullable=True),
    sa.Column('survey_ids', sa.JSON(), nullable=False),
    sa.Column('assessment', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("assessment IN ('not_started', 'on_track', 'at_risk', 'off_track', 'done')", name=op.f('ck_commitment_assessment')),
    sa.CheckConstraint("kind IN ('presence', 'activities', 'survey')", name=op.f('ck_commitment_kind')),
    sa.CheckConstraint('reach_target IS NULL OR reach_target >= 0', name=op.f('ck_commitment_reach_target')),
    sa.CheckConstraint('target_count IS NULL OR target_count >= 0', name=op.f('ck_commitment_target_count')),
    sa.ForeignKeyConstraint(['promise_id'], ['promise.id'], name=op.f('fk_commitment_promise_id_promise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment'))
    )
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.create_index('ix_commitment_promise', ['promise_id', 'position'], unique=False)

    op.create_table('activity',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('hotspot_id', sa.Uuid(), nullable=True),
    sa.Column('school', sa.String(length=200), nullable=False),
    sa.Column('grades', sa.JSON(), nullable=False),
    sa.Column('group', sa.String(length=20), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=True),
    sa.Column('staff', sa.Integer(), nullable=True),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('partners', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'done', 'cancelled')", name=op.f('ck_activity_status')),
    sa.CheckConstraint("type IN ('school_session', 'parents_evening', 'safety_walk', 'dialogue', 'other')", name=op.f('ck_activity_type')),
    sa.CheckConstraint('ends_at IS NULL OR ends_at >= starts_at', name=op.f('ck_activity_time_order')),
    sa.CheckConstraint('participants IS NULL OR participants BETWEEN 0 AND 9999', name=op.f('ck_activity_participants')),
    sa.CheckConstraint('rev >= 1', name=op.f('ck_activity_rev')),
    sa.CheckConstraint('staff IS NULL OR staff BETWEEN 0 AND 99', name=op.f('ck_activity_staff')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_activity_area_id_area')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_activity_device_id_device')),
    sa.ForeignKeyConstraint(['hotspot_id'], ['hotspot.id'], name=op.f('fk_activity_hotspot_id_hotspot')),
    sa.ForeignKeyConstraint(['officer_id'], ['user_account.id'], name=op.f('fk_activity_officer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index('ix_activity_area_starts', ['area_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_activity_change_seq', ['change_seq'], unique=False)
        batch_op.create_index('ix_activity_officer_starts', ['officer_id', 'starts_at'], unique=False)

    op.create_table('commitment_update',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commitment_id', sa.Uuid(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_commitment_update_author_id_user_account')),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitment.id'], name=op.f('fk_commitment_update_commitment_id_commitment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_update'))
    )
    with op.batch_alter_table('commitment_update', schema=None) as batch_op:
        batch_op.create_index('ix_commitment_update_commitment', ['commitment_id', 'date'], unique=False)

    op.add_column('area', sa.Column('embed_origins', sa.JSON(), server_default='[]', nullable=False))



def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE area DROP COLUMN embed_origins')
    else:
        op.drop_column('area', 'embed_origins')

    with op.batch_alter_table('commitment_update', schema=None) as batch_op:
        batch_op.drop_index('ix_commitment_update_commitment')

    op.drop_table('commitment_update')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_officer_starts')
        batch_op.drop_index('ix_activity_change_seq')
        batch_op.drop_index('ix_activity_area_starts')

    op.drop_table('activity')
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_index('ix_commitment_promise')

    op.drop_table('commitment')
    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.drop_index('ix_promise_area_starts')

    op.drop_table('promise')
