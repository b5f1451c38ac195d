"""coverage kept per hot spot and local day, with the triggers that keep it true

Revision ID: 0003
Revises: 0002

A period's coverage (SPEC §3) used to be computed from every visit of the period; at 1,000,000 visits that missed
SPEC §5's 150 ms. ``coverage_day`` holds the additive figures per hot spot and local day (fieldlog/coverage/days.py);
``coverage_stale`` is the queue of what changed. The triggers fill the queue in the writing transaction itself, so no
write path (the sync push, the ORM, a bulk load, a hand-made fix) can leave the days behind.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# The columns a counting visit's figures depend on; changing any other (notes, a flag) changes no figure.
FIGURE_COLUMNS = ('hotspot_id', 'officer_id', 'started_at', 'ended_at', 'officers', 'on_site', 'deleted')

SQLITE_TRIGGERS = [
    """CREATE TRIGGER trg_visit_coverage_insert AFTER INSERT ON visit
WHEN NEW.ended_at IS NOT NULL AND NOT NEW.deleted
BEGIN
  INSERT INTO coverage_stale (hotspot_id, start_from, start_to) VALUES (NEW.hotspot_id, NEW.started_at, NEW.started_at);
END""",
    """CREATE TRIGGER trg_visit_coverage_update AFTER UPDATE ON visit
WHEN {changed}
BEGIN
  INSERT INTO coverage_stale (hotspot_id, start_from, start_to) VALUES (OLD.hotspot_id, OLD.started_at, OLD.started_at);
  INSERT INTO coverage_stale (hotspot_id, start_from, start_to) SELECT NEW.hotspot_id, NEW.started_at, NEW.started_at
  WHERE NEW.hotspot_id IS NOT OLD.hotspot_id OR NEW.started_at IS NOT OLD.started_at;
END""".format(changed=' OR '.join(f'OLD.{c} IS NOT NEW.{c}' for c in FIGURE_COLUMNS)),
    """CREATE TRIGGER trg_visit_coverage_delete AFTER DELETE ON visit
WHEN OLD.ended_at IS NOT NULL AND NOT OLD.deleted
BEGIN
  INSERT INTO coverage_stale (hotspot_id, start_from, start_to) VALUES (OLD.hotspot_id, OLD.started_at, OLD.started_at);
END""",
    # New hot hours change the hot-hour minutes of every day the spot has: from its first visit to its last.
    """CREATE TRIGGER trg_hotspot_coverage_hot_hours AFTER UPDATE OF hot_hours ON hotspot
WHEN OLD.hot_hours IS NOT NEW.hot_hours
BEGIN
  INSERT INTO coverage_stale (hotspot_id, start_from, start_to)
  SELECT NEW.id, MIN(started_at), MAX(started_at) FROM visit WHERE hotspot_id = NEW.id HAVING COUNT(*) > 0;
END""",
]

POSTGRES_TRIGGERS = [
    """CREATE FUNCTION coverage_mark_visit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO coverage_stale (hotspot_id, start_from, start_to) VALUES (OLD.hotspot_id, OLD.started_at, OLD.started_at);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.hotspot_id, NEW.started_at) IS DISTINCT FROM (OLD.hotspot_id, OLD.started_at)) THEN
    INSERT INTO coverage_stale (hotspot_id, start_from, start_to) VALUES (NEW.hotspot_id, NEW.started_at, NEW.started_at);
  END IF;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER trg_visit_coverage_insert AFTER INSERT ON visit FOR EACH ROW
WHEN (NEW.ended_at IS NOT NULL AND NOT NEW.deleted) EXECUTE FUNCTION coverage_mark_visit()""",
    """CREATE TRIGGER trg_visit_coverage_update AFTER UPDATE ON visit FOR EACH ROW
WHEN (({old}) IS DISTINCT FROM ({new})) EXECUTE FUNCTION coverage_mark_visit()""".format(
        old=', '.join(f'OLD.{c}' for c in FIGURE_COLUMNS), new=', '.join(f'NEW.{c}' for c in FIGURE_COLUMNS)
    ),
    """CREATE TRIGGER trg_visit_coverage_delete AFTER DELETE ON visit FOR EACH ROW
WHEN (OLD.ended_at IS NOT NULL AND NOT OLD.deleted) EXECUTE FUNCTION coverage_mark_visit()""",
    """CREATE FUNCTION coverage_mark_hot_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO coverage_stale (hotspot_id, start_from, start_to)
  SELECT NEW.id, MIN(started_at), MAX(started_at) FROM visit WHERE hotspot_id = NEW.id HAVING COUNT(*) > 0;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER trg_hotspot_coverage_hot_hours AFTER UPDATE OF hot_hours ON hotspot FOR EACH ROW
WHEN (OLD.hot_hours::text IS DISTINCT FROM NEW.hot_hours::text) EXECUTE FUNCTION coverage_mark_hot_hours()""",
]


def upgrade():
    op.create_table('coverage_day',
    sa.Column('hotspot_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('koper', sa.Integer(), nullable=False),
    sa.Column('on_site', sa.Integer(), nullable=False),
    sa.Column('officer_sec', sa.Float(), nullable=False),
    sa.Column('presence_sec', sa.Float(), nullable=False),
    sa.Column('hot_sec', sa.Float(), nullable=False),
    sa.Column('overlap_sec', sa.Float(), nullable=False),
    sa.Column('overlap_hot_sec', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['hotspot_id'], ['hotspot.id'], name=op.f('fk_coverage_day_hotspot_id_hotspot')),
    sa.PrimaryKeyConstraint('hotspot_id', 'day', name=op.f('pk_coverage_day'))
    )
    op.create_table('coverage_stale',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('hotspot_id', sa.Uuid(), nullable=False),
    sa.Column('start_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('start_to', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverage_stale'))
    )
    with op.batch_alter_table('coverage_stale', schema=None) as batch_op:
        batch_op.create_index('ix_coverage_stale_hotspot_from', ['hotspot_id', 'start_from'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRES_TRIGGERS:
            op.execute(statement)
        # A queue: rows come and go all day. Vacuum it after every thousand drained rows rather than after 20% of a
        # table that is nearly always empty, so that readers never wade through dead index entries for long.
        op.execute(
            'ALTER TABLE coverage_stale SET (autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0,'
            ' autovacuum_analyze_threshold = 1000, autovacuum_analyze_scale_factor = 0)'
        )
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    # Visits stored before this migration: every day of every hot spot, from its first visit to its last.
    op.execute(
        "INSERT INTO coverage_stale (hotspot_id, start_from, start_to)"
        " SELECT hotspot_id, MIN(started_at), MAX(started_at) FROM visit GROUP BY hotspot_id"
    )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER trg_hotspot_coverage_hot_hours ON hotspot')
        for name in ('insert', 'update', 'delete'):
            op.execute(f'DROP TRIGGER trg_visit_coverage_{name} ON visit')
        op.execute('DROP FUNCTION coverage_mark_hot_hours()')
        op.execute('DROP FUNCTION coverage_mark_visit()')
    else:
        op.execute('DROP TRIGGER trg_hotspot_coverage_hot_hours')
        for name in ('insert', 'update', 'delete'):
            op.execute(f'DROP TRIGGER trg_visit_coverage_{name}')
    with op.batch_alter_table('coverage_stale', schema=None) as batch_op:
        batch_op.drop_index('ix_coverage_stale_hotspot_from')

    op.drop_table('coverage_stale')
    op.drop_table('coverage_day')
