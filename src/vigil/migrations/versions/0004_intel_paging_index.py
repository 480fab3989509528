"""intel: (collection_id, id) index for TAXII paging

Revision ID: 0004_intel_paging
Revises: 0003_intel_watchlist
Create Date: 2026-11-22 23:00:00.000000
"""
from __future__ import annotations

from alembic import op

revision = '0004_intel_paging'
down_revision = '0003_intel_watchlist'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_intel_objects_coll_row', 'intel_objects', ['collection_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_intel_objects_coll_row', table_name='intel_objects')
