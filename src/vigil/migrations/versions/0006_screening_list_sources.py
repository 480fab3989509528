"""screening: official list sources (ETag, Last-Modified, checksum) for `vigil lists update`

Revision ID: 0006_screening_list_sources
Revises: 0005_screening_upload_jobs
Create Date: 2026-12-07 01:15:00.000000
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = '0006_screening_list_sources'
down_revision = '0005_screening_upload_jobs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('screening_list_source_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('watchlist_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('etag', sa.String(length=300), nullable=False),
    sa.Column('last_modified', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['watchlist_id'], ['watchlists.id'],
                            name=op.f('fk_screening_list_source_files_watchlist_id_watchlists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_list_source_files')),
    sa.UniqueConstraint('watchlist_id', 'name', name='uq_screening_list_source_files_list_name')
    )
    op.create_index(op.f('ix_screening_list_source_files_watchlist_id'), 'screening_list_source_files',
                    ['watchlist_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_screening_list_source_files_watchlist_id'), table_name='screening_list_source_files')
    op.drop_table('screening_list_source_files')
