"""list order indexes: inbox and triage pages are ranges of (agency, priority, deadline, id)

Revision ID: 84a8027591db
Revises: 4eb8912a8eb9
Create Date: 2026-11-27 01:51:13.217822

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '84a8027591db'
down_revision = '4eb8912a8eb9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_agency_id'))
        batch_op.create_index('ix_tickets_agency_newest', ['agency_id', 'id'], unique=False)
        batch_op.create_index('ix_tickets_agency_order', ['agency_id', 'priority', 'answer_due', 'id'], unique=False)
        batch_op.create_index('ix_tickets_order', ['priority', 'answer_due', 'id'], unique=False)
        batch_op.create_index('ix_tickets_triage_order', ['priority', 'answer_due', 'id'], unique=False, postgresql_where=sa.text("status IN ('new', 'transferred')"), sqlite_where=sa.text("status IN ('new', 'transferred')"))


def downgrade():
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('ix_tickets_triage_order', postgresql_where=sa.text("status IN ('new', 'transferred')"), sqlite_where=sa.text("status IN ('new', 'transferred')"))
        batch_op.drop_index('ix_tickets_order')
        batch_op.drop_index('ix_tickets_agency_order')
        batch_op.drop_index('ix_tickets_agency_newest')
        batch_op.create_index(batch_op.f('ix_tickets_agency_id'), ['agency_id'], unique=False)
