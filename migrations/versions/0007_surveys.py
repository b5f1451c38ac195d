"""survey, survey_response, survey_mark, survey_code, survey_browser, survey_candidate: the annual safety survey

Revision ID: 0007
Revises: 0006

SPEC Part II §7. New tables only, nothing existing changes. No table holds an address or other identifier of a
respondent: a browser is the hash of a random cookie value, a code its SHA-256 hash with no time of use and no link
to a response.
"""

from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survey",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("questionnaire", sa.String(length=16), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("target_responses", sa.Integer(), nullable=True),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("mode IN ('open', 'codes')", name=op.f("ck_survey_mode")),
        sa.CheckConstraint("closes_at > opens_at", name=op.f("ck_survey_period")),
        sa.CheckConstraint("rev >= 1", name=op.f("ck_survey_rev")),
        sa.CheckConstraint(
            "target_responses IS NULL OR target_responses >= 0", name=op.f("ck_survey_target_responses")
        ),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_survey_area_id_area")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey")),
        sa.UniqueConstraint("area_id", "year", name="uq_survey_area_year"),
    )
    op.create_table(
        "survey_browser",
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("browser_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_survey_browser_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("survey_id", "browser_hash", name=op.f("pk_survey_browser")),
    )
    op.create_table(
        "survey_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("candidate_id", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("hotspot_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("decision IN ('accepted', 'dismissed')", name=op.f("ck_survey_candidate_decision")),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["user_account.id"], name=op.f("fk_survey_candidate_decided_by_user_account")
        ),
        sa.ForeignKeyConstraint(["hotspot_id"], ["hotspot.id"], name=op.f("fk_survey_candidate_hotspot_id_hotspot")),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_survey_candidate_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_candidate")),
        sa.UniqueConstraint("survey_id", "candidate_id", name="uq_survey_candidate_survey_candidate"),
    )
    op.create_table(
        "survey_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_survey_code_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_code")),
        sa.UniqueConstraint("survey_id", "code_hash", name="uq_survey_code_survey_hash"),
    )
    op.create_table(
        "survey_response",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("suspect", sa.Boolean(), nullable=False),
        sa.Column("suspect_reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evening_safety", sa.String(length=16), nullable=True),
        sa.Column("overall_safety", sa.String(length=16), nullable=True),
        sa.Column("avoids_places", sa.String(length=16), nullable=True),
        sa.Column("age_band", sa.String(length=16), nullable=True),
        sa.Column("gender", sa.String(length=16), nullable=True),
        sa.Column("lives_in", sa.String(length=16), nullable=True),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("improvements", sa.Text(), nullable=False),
        sa.CheckConstraint("channel IN ('web', 'api', 'kiosk')", name=op.f("ck_survey_response_channel")),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_survey_response_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response")),
    )
    with op.batch_alter_table("survey_response", schema=None) as batch_op:
        batch_op.create_index("ix_survey_response_survey_created", ["survey_id", "created_at"], unique=False)

    op.create_table(
        "survey_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("response_id", sa.Uuid(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("when", sa.String(length=8), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("hotspot_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "\"when\" IS NULL OR \"when\" IN ('day', 'evening', 'night')", name=op.f("ck_survey_mark_when")
        ),
        sa.CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name=op.f("ck_survey_mark_position")),
        sa.ForeignKeyConstraint(["hotspot_id"], ["hotspot.id"], name=op.f("fk_survey_mark_hotspot_id_hotspot")),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_response.id"],
            name=op.f("fk_survey_mark_response_id_survey_response"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["survey.id"], name=op.f("fk_survey_mark_survey_id_survey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_mark")),
    )
    with op.batch_alter_table("survey_mark", schema=None) as batch_op:
        batch_op.create_index("ix_survey_mark_survey", ["survey_id"], unique=False)


def downgrade():
    with op.batch_alter_table("survey_mark", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_mark_survey")

    op.drop_table("survey_mark")
    with op.batch_alter_table("survey_response", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_response_survey_created")

    op.drop_table("survey_response")
    op.drop_table("survey_code")
    op.drop_table("survey_candidate")
    op.drop_table("survey_browser")
    op.drop_table("survey")
