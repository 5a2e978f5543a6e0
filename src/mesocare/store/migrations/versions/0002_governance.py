"""Governance bodies: bodies, members, meetings, agenda items, decisions with their votes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 03:40:52.206286
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mesocare.store.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "governance_bodies",
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("organ", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("seats", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory", sa.String(length=100), nullable=False),
        sa.Column("zone_code", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_governance_bodies_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_governance_bodies_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_bodies")),
    )
    with op.batch_alter_table("governance_bodies", schema=None) as batch_op:
        batch_op.create_index(
            "ix_governance_bodies_territory_zone", ["territory", "zone_code"], unique=False
        )

    op.create_table(
        "governance_meetings",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory", sa.String(length=100), nullable=False),
        sa.Column("zone_code", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["governance_bodies.id"],
            name=op.f("fk_governance_meetings_body_id_governance_bodies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_governance_meetings_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_governance_meetings_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_meetings")),
    )
    with op.batch_alter_table("governance_meetings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_meetings_body_id"), ["body_id"], unique=False
        )

    op.create_table(
        "governance_members",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("cluster", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory", sa.String(length=100), nullable=False),
        sa.Column("zone_code", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_governance_members_actor_id_actors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["governance_bodies.id"],
            name=op.f("fk_governance_members_body_id_governance_bodies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_governance_members_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_governance_members_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_members")),
    )
    with op.batch_alter_table("governance_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_members_body_id"), ["body_id"], unique=False
        )

    op.create_table(
        "governance_items",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory", sa.String(length=100), nullable=False),
        sa.Column("zone_code", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_governance_items_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["governance_meetings.id"],
            name=op.f("fk_governance_items_meeting_id_governance_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_governance_items_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_items")),
    )
    with op.batch_alter_table("governance_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_items_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "governance_decisions",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("motion", sa.Text(), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("subject_version", sa.Integer(), nullable=True),
        sa.Column("votes", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("tally", sa.JSON(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory", sa.String(length=100), nullable=False),
        sa.Column("zone_code", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_governance_decisions_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["governance_items.id"],
            name=op.f("fk_governance_decisions_item_id_governance_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_governance_decisions_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_decisions")),
    )
    with op.batch_alter_table("governance_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_decisions_item_id"), ["item_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("governance_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_decisions_item_id"))

    op.drop_table("governance_decisions")
    with op.batch_alter_table("governance_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_items_meeting_id"))

    op.drop_table("governance_items")
    with op.batch_alter_table("governance_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_members_body_id"))

    op.drop_table("governance_members")
    with op.batch_alter_table("governance_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_meetings_body_id"))

    op.drop_table("governance_meetings")
    with op.batch_alter_table("governance_bodies", schema=None) as batch_op:
        batch_op.drop_index("ix_governance_bodies_territory_zone")

    op.drop_table("governance_bodies")
