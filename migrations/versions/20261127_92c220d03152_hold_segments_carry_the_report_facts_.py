"""hold segments carry the report facts the scores read

The scores (portal/scoring) then read hold_segments alone, without joining a million
reports: when the report was received, whether it is a harassment report, whether the
coordinator rejected it, and whether it waits on the reporter during the open hold. Existing
rows are filled in from their tickets.

Revision ID: 92c220d03152
Revises: 27b1edc66413
Create Date: 2026-11-27 02:30:10.989797

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '92c220d03152'
down_revision = '27b1edc66413'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('hold_segments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_received_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('harassment', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('report_rejected', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('paused', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("""
        UPDATE hold_segments SET
          report_received_at = (SELECT t.received_at FROM tickets t WHERE t.id = hold_segments.ticket_id),
          harassment = (SELECT t.category = 'harassment' FROM tickets t WHERE t.id = hold_segments.ticket_id),
          report_rejected = (SELECT t.status = 'rejected' FROM tickets t WHERE t.id = hold_segments.ticket_id),
          paused = (hold_segments.ended_at IS NULL AND (
            SELECT t.status = 'needs_info' FROM tickets t WHERE t.id = hold_segments.ticket_id))
    """)
    with op.batch_alter_table('hold_segments', schema=None) as batch_op:
        batch_op.alter_column('report_received_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.create_index(batch_op.f('ix_hold_segments_report_received_at'), ['report_received_at'], unique=False)


def downgrade():
    with op.batch_alter_table('hold_segments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hold_segments_report_received_at'))
        batch_op.drop_column('paused')
        batch_op.drop_column('report_rejected')
        batch_op.drop_column('harassment')
        batch_op.drop_column('report_received_at')
