"""initial schema

Revision ID: 0001
Revises: 

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('public_report', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area')),
    sa.UniqueConstraint('slug', name=op.f('uq_area_slug'))
    )
    op.create_table('change_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_counter'))
    )
    # The single row every writing transaction bumps (fieldlog.sync.changes).
    op.execute("INSERT INTO change_counter (id, value) VALUES (1, 0)")
    op.create_table('hotspot',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('radius_m', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('target_visits_per_week', sa.Integer(), nullable=True),
    sa.Column('target_minutes', sa.Integer(), nullable=False),
    sa.Column('hot_hours', sa.JSON(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180', name=op.f('ck_hotspot_position')),
    sa.CheckConstraint('priority BETWEEN 1 AND 3', name=op.f('ck_hotspot_priority')),
    sa.CheckConstraint('radius_m > 0', name=op.f('ck_hotspot_radius')),
    sa.CheckConstraint('rev >= 1', name=op.f('ck_hotspot_rev')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_hotspot_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hotspot'))
    )
    with op.batch_alter_table('hotspot', schema=None) as batch_op:
        batch_op.create_index('ix_hotspot_area', ['area_id'], unique=False)
        batch_op.create_index('ix_hotspot_change_seq', ['change_seq'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('locale', sa.String(length=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(role = 'admin' AND area_id IS NULL) OR (role <> 'admin' AND area_id IS NOT NULL)", name=op.f('ck_user_account_area')),
    sa.CheckConstraint("locale IN ('sv', 'en')", name=op.f('ck_user_account_locale')),
    sa.CheckConstraint("role IN ('officer', 'supervisor', 'admin')", name=op.f('ck_user_account_role')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_user_account_area_id_area')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_area_id'), ['area_id'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('entity_type', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_entry_actor_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entity', ['entity_type', 'entity_id', 'at'], unique=False)

    op.create_table('device',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_device_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_device_token_hash'))
    )
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.create_index('ix_device_user_last_seen', ['user_id', 'last_seen_at'], unique=False)

    op.create_table('sync_mutation',
    sa.Column('mutation_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=True),
    sa.Column('payload_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=True),
    sa.Column('error', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_sync_mutation_user_id_user_account')),
    sa.PrimaryKeyConstraint('mutation_id', name=op.f('pk_sync_mutation'))
    )
    with op.batch_alter_table('sync_mutation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_mutation_user_id'), ['user_id'], unique=False)

    op.create_table('visit',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('hotspot_id', sa.Uuid(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('officers', sa.Integer(), nullable=False),
    sa.Column('observations', sa.JSON(), nullable=False),
    sa.Column('activities', sa.JSON(), nullable=False),
    sa.Column('contacts', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('accuracy_m', sa.Float(), nullable=True),
    sa.Column('distance_m', sa.Float(), nullable=True),
    sa.Column('on_site', sa.Boolean(), nullable=True),
    sa.Column('flag_comment', sa.Text(), nullable=True),
    sa.Column('flag_by_id', sa.Integer(), nullable=True),
    sa.Column('flag_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("mode IN ('foot', 'vehicle', 'bicycle', 'drive_through', 'other')", name=op.f('ck_visit_mode')),
    sa.CheckConstraint('contacts BETWEEN 0 AND 999', name=op.f('ck_visit_contacts')),
    sa.CheckConstraint('ended_at IS NULL OR ended_at >= started_at', name=op.f('ck_visit_time_order')),
    sa.CheckConstraint('officers BETWEEN 1 AND 20', name=op.f('ck_visit_officers')),
    sa.CheckConstraint('rev >= 1', name=op.f('ck_visit_rev')),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], name=op.f('fk_visit_device_id_device')),
    sa.ForeignKeyConstraint(['flag_by_id'], ['user_account.id'], name=op.f('fk_visit_flag_by_id_user_account')),
    sa.ForeignKeyConstraint(['hotspot_id'], ['hotspot.id'], name=op.f('fk_visit_hotspot_id_hotspot')),
    sa.ForeignKeyConstraint(['officer_id'], ['user_account.id'], name=op.f('fk_visit_officer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_change_seq', ['change_seq'], unique=False)
        batch_op.create_index('ix_visit_hotspot_started', ['hotspot_id', 'started_at'], unique=False)
        batch_op.create_index('ix_visit_officer_started', ['officer_id', 'started_at'], unique=False)



def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_officer_started')
        batch_op.drop_index('ix_visit_hotspot_started')
        batch_op.drop_index('ix_visit_change_seq')

    op.drop_table('visit')
    with op.batch_alter_table('sync_mutation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_mutation_user_id'))

    op.drop_table('sync_mutation')
    with op.batch_alter_table('device', schema=None) as batch_op:
        batch_op.drop_index('ix_device_user_last_seen')

    op.drop_table('device')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entity')

    op.drop_table('audit_entry')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_area_id'))

    op.drop_table('user_account')
    with op.batch_alter_table('hotspot', schema=None) as batch_op:
        batch_op.drop_index('ix_hotspot_change_seq')
        batch_op.drop_index('ix_hotspot_area')

    op.drop_table('hotspot')
    op.drop_table('change_counter')
    op.drop_table('area')
