"""ledger: licensed holders, sites, items, the hash-chained movements and what derives from them

Revision ID: 0020_ledger
Revises: 0005_screening_upload_jobs
Create Date: 2026-12-07 01:40:00.000000
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from vigil.platform.database import UtcDateTime

revision = '0020_ledger'
down_revision = '0010_registrations_parcels'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ledger_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('holder', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('raised_at', UtcDateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('closed_by', sa.String(length=64), nullable=False),
    sa.Column('closed_at', UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_alerts')),
    sa.UniqueConstraint('key', name=op.f('uq_ledger_alerts_key'))
    )
    op.create_index(op.f('ix_ledger_alerts_holder'), 'ledger_alerts', ['holder'], unique=False)
    op.create_index(op.f('ix_ledger_alerts_kind'), 'ledger_alerts', ['kind'], unique=False)
    op.create_index(op.f('ix_ledger_alerts_status'), 'ledger_alerts', ['status'], unique=False)
    op.create_table('ledger_balances',
    sa.Column('holder', sa.String(length=64), nullable=False),
    sa.Column('site', sa.String(length=64), nullable=False),
    sa.Column('item', sa.String(length=64), nullable=False),
    sa.Column('amount', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('last_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('holder', 'site', 'item', name=op.f('pk_ledger_balances'))
    )
    op.create_index(op.f('ix_ledger_balances_item'), 'ledger_balances', ['item'], unique=False)
    op.create_table('ledger_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('count', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_head'))
    )
    op.create_table('ledger_holders',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('licence_number', sa.String(length=64), nullable=False),
    sa.Column('classes', sa.String(length=200), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('max_quantities', sa.Text(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_holders'))
    )
    op.create_index(op.f('ix_ledger_holders_valid_to'), 'ledger_holders', ['valid_to'], unique=False)
    op.create_table('ledger_items',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('item_class', sa.String(length=20), nullable=False),
    sa.Column('unit', sa.String(length=4), nullable=False),
    sa.Column('un_number', sa.String(length=8), nullable=False),
    sa.Column('division', sa.String(length=8), nullable=False),
    sa.Column('compat_group', sa.String(length=2), nullable=False),
    sa.Column('make', sa.String(length=100), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('calibre', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_ledger_items'))
    )
    op.create_table('ledger_movements',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('at', UtcDateTime(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('holder', sa.String(length=64), nullable=False),
    sa.Column('site', sa.String(length=64), nullable=False),
    sa.Column('item', sa.String(length=64), nullable=False),
    sa.Column('item_class', sa.String(length=20), nullable=False),
    sa.Column('delta', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('to_holder', sa.String(length=64), nullable=False),
    sa.Column('to_site', sa.String(length=64), nullable=False),
    sa.Column('dispatch', sa.String(length=64), nullable=False),
    sa.Column('corrects', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_ledger_movements')),
    sa.UniqueConstraint('id', name=op.f('uq_ledger_movements_id'))
    )
    op.create_index('ix_ledger_movements_holder_at', 'ledger_movements', ['holder', 'at'], unique=False)
    op.create_index('ix_ledger_movements_item_at', 'ledger_movements', ['item', 'at'], unique=False)
    op.create_table('ledger_rejections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('recorded_at', UtcDateTime(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_rejections'))
    )
    op.create_index(op.f('ix_ledger_rejections_recorded_at'), 'ledger_rejections', ['recorded_at'], unique=False)
    op.create_table('ledger_transits',
    sa.Column('dispatch', sa.String(length=64), nullable=False),
    sa.Column('sender', sa.String(length=64), nullable=False),
    sa.Column('site', sa.String(length=64), nullable=False),
    sa.Column('receiver', sa.String(length=64), nullable=False),
    sa.Column('item', sa.String(length=64), nullable=False),
    sa.Column('amount', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', UtcDateTime(), nullable=False),
    sa.Column('planned_arrival', UtcDateTime(), nullable=True),
    sa.Column('confirmed_by', sa.String(length=64), nullable=True),
    sa.Column('confirmed_at', UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('dispatch', name=op.f('pk_ledger_transits'))
    )
    op.create_index(op.f('ix_ledger_transits_item'), 'ledger_transits', ['item'], unique=False)
    op.create_index(op.f('ix_ledger_transits_receiver'), 'ledger_transits', ['receiver'], unique=False)
    op.create_index(op.f('ix_ledger_transits_sender'), 'ledger_transits', ['sender'], unique=False)
    op.create_table('ledger_sites',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('holder_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('capacity', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('groups', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['holder_id'], ['ledger_holders.id'], name=op.f('fk_ledger_sites_holder_id_ledger_holders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_sites'))
    )
    op.create_index(op.f('ix_ledger_sites_holder_id'), 'ledger_sites', ['holder_id'], unique=False)
    # The chain's head exists from the start: every writer locks this row first.
    op.bulk_insert(sa.table('ledger_head', sa.column('id', sa.Integer()), sa.column('count', sa.Integer()),
                            sa.column('last_hash', sa.String())), [{"id": 1, "count": 0, "last_hash": "0" * 64}])


def downgrade() -> None:
    op.drop_index(op.f('ix_ledger_sites_holder_id'), table_name='ledger_sites')
    op.drop_table('ledger_sites')
    op.drop_index(op.f('ix_ledger_transits_sender'), table_name='ledger_transits')
    op.drop_index(op.f('ix_ledger_transits_receiver'), table_name='ledger_transits')
    op.drop_index(op.f('ix_ledger_transits_item'), table_name='ledger_transits')
    op.drop_table('ledger_transits')
    op.drop_index(op.f('ix_ledger_rejections_recorded_at'), table_name='ledger_rejections')
    op.drop_table('ledger_rejections')
    op.drop_index('ix_ledger_movements_item_at', table_name='ledger_movements')
    op.drop_index('ix_ledger_movements_holder_at', table_name='ledger_movements')
    op.drop_table('ledger_movements')
    op.drop_table('ledger_items')
    op.drop_index(op.f('ix_ledger_holders_valid_to'), table_name='ledger_holders')
    op.drop_table('ledger_holders')
    op.drop_table('ledger_head')
    op.drop_index(op.f('ix_ledger_balances_item'), table_name='ledger_balances')
    op.drop_table('ledger_balances')
    op.drop_index(op.f('ix_ledger_alerts_status'), table_name='ledger_alerts')
    op.drop_index(op.f('ix_ledger_alerts_kind'), table_name='ledger_alerts')
    op.drop_index(op.f('ix_ledger_alerts_holder'), table_name='ledger_alerts')
    op.drop_table('ledger_alerts')
