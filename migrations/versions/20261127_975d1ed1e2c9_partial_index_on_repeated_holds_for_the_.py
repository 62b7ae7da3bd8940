"""partial index on repeated holds for the scores

The scores regroup the holds of pairs held more than once; this index reads them without a
second scan of the period (on PostgreSQL an index-only scan: it includes what the query reads).

Revision ID: 975d1ed1e2c9
Revises: f1245613b5e7
Create Date: 2026-11-27 04:41:26.493581

"""
from alembic import op
import sqlalchemy as sa


# What the scores read of a repeated hold (portal/models/hold.py, REPEAT_HOLD_COLUMNS, today).
INCLUDED = ["ticket_id", "agency_id", "report_rejected", "started_at", "ended_at", "counted_from",
            "outcome", "harassment", "acknowledged_at", "ack_due", "answer_due", "paused",
            "on_time", "cites_legal_basis", "answer_working_days", "rating", "reopened_at"]

# revision identifiers, used by Alembic.
revision = '975d1ed1e2c9'
down_revision = 'f1245613b5e7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('hold_segments', schema=None) as batch_op:
        batch_op.create_index('ix_hold_segments_repeat_received_at', ['report_received_at'],
                              unique=False, postgresql_include=INCLUDED,
                              postgresql_where=sa.text('repeat_hold'),
                              sqlite_where=sa.text('repeat_hold = 1'))


def downgrade():
    with op.batch_alter_table('hold_segments', schema=None) as batch_op:
        batch_op.drop_index('ix_hold_segments_repeat_received_at')
