"""intel: watchlist suggestions (kind, explanation on link suggestions)

Revision ID: 0003_intel_watchlist
Revises: 0002_intel
Create Date: 2026-11-23 10:00:00.000000
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0003_intel_watchlist'
down_revision = '0002_intel'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('intel_link_suggestions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=12), server_default='link', nullable=False))
        batch_op.add_column(sa.Column('explanation', sa.Text(), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('intel_link_suggestions', schema=None) as batch_op:
        batch_op.drop_column('explanation')
        batch_op.drop_column('kind')
