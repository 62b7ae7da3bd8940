"""TOTP secrets sealed: a wider column

Secrets are now stored sealed (portal/accounts/totp.py); one stored in clear before this is
sealed at its next use, so no data step is needed here.

Revision ID: cccd7dd18708
Revises: 975d1ed1e2c9
Create Date: 2026-11-27 05:08:51.763208

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cccd7dd18708'
down_revision = '975d1ed1e2c9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret',
               existing_type=sa.VARCHAR(length=64),
               type_=sa.String(length=255),
               existing_nullable=True)


def downgrade():
    # Sealed secrets do not fit the old column and the old code cannot open them: those
    # users set up their authenticator again.
    op.execute("UPDATE users SET totp_secret = NULL, totp_last_step = NULL "
               "WHERE totp_secret LIKE 'fernet:%'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret',
               existing_type=sa.String(length=255),
               type_=sa.VARCHAR(length=64),
               existing_nullable=True)
