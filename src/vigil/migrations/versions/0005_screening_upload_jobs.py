"""screening: background jobs for console CSV files (progress, then alerts until fetched)

Revision ID: 0005_screening_upload_jobs
Revises: 0004_intel_paging
Create Date: 2026-11-24 01:20:00.000000
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = '0005_screening_upload_jobs'
down_revision = '0004_intel_paging'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('screening_upload_jobs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('owner_user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('row_errors', sa.Text(), nullable=False),
    sa.Column('alerts', sa.Text(), nullable=False),
    sa.Column('started_at', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['owner_user_id'], ['users.id'], name=op.f('fk_screening_upload_jobs_owner_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_upload_jobs'))
    )
    op.create_index(op.f('ix_screening_upload_jobs_owner_user_id'), 'screening_upload_jobs', ['owner_user_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_screening_upload_jobs_owner_user_id'), table_name='screening_upload_jobs')
    op.drop_table('screening_upload_jobs')
