"""Agency successions: an agency may have several successors (a district's communes) and
several predecessors (merged departments); agencies.successor_id is migrated into the table.

Revision ID: 27b1edc66413
Revises: 299d0b09ba17
Create Date: 2026-11-27 01:29:55.083260

"""
from datetime import date, timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '27b1edc66413'
down_revision = '299d0b09ba17'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agency_successions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('predecessor_id', sa.Integer(), nullable=False),
    sa.Column('successor_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['predecessor_id'], ['agencies.id'], name=op.f('fk_agency_successions_predecessor_id_agencies')),
    sa.ForeignKeyConstraint(['successor_id'], ['agencies.id'], name=op.f('fk_agency_successions_successor_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_successions')),
    sa.UniqueConstraint('predecessor_id', 'successor_id', name='uq_agency_successions_pair')
    )
    with op.batch_alter_table('agency_successions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_successions_predecessor_id'), ['predecessor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_successions_successor_id'), ['successor_id'], unique=False)

    # Existing links become successions dated the day after the predecessor's last day.
    agencies = sa.table("agencies", sa.column("id", sa.Integer), sa.column("valid_to", sa.Date),
                        sa.column("successor_id", sa.Integer))
    successions = sa.table("agency_successions", sa.column("predecessor_id", sa.Integer),
                           sa.column("successor_id", sa.Integer), sa.column("on_date", sa.Date))
    bind = op.get_bind()
    links = bind.execute(sa.select(agencies.c.id, agencies.c.valid_to, agencies.c.successor_id)
                         .where(agencies.c.successor_id.is_not(None))).all()
    if links:
        bind.execute(successions.insert(), [
            {"predecessor_id": id_, "successor_id": successor_id,
             "on_date": (valid_to or date.today()) + timedelta(days=1)}
            for id_, valid_to, successor_id in links])

    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agencies_successor_id_agencies'), type_='foreignkey')
        batch_op.drop_column('successor_id')



def downgrade():
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('successor_id', sa.INTEGER(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_agencies_successor_id_agencies'), 'agencies', ['successor_id'], ['id'])
    # One successor per agency survives a downgrade (the earliest, then the lowest id).
    op.execute("UPDATE agencies SET successor_id = (SELECT s.successor_id FROM agency_successions s "
               "WHERE s.predecessor_id = agencies.id ORDER BY s.on_date, s.successor_id LIMIT 1)")

    with op.batch_alter_table('agency_successions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_successions_successor_id'))
        batch_op.drop_index(batch_op.f('ix_agency_successions_predecessor_id'))

    op.drop_table('agency_successions')
