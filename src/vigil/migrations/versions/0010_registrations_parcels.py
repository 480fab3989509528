"""registrations and parcels: establishments, their users, records, alerts; parcels, the catalogue; screening: stolen property

Revision ID: 0010_registrations_parcels
Revises: 0005_screening_upload_jobs
Create Date: 2026-12-07 02:12:43.580973
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from vigil.platform.database import UtcDateTime


revision = '0010_registrations_parcels'
down_revision = '0006_screening_list_sources'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('establishments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('licence', sa.String(length=64), nullable=False),
    sa.Column('sector', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('retention_days', sa.Integer(), nullable=True),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_establishments')),
    sa.UniqueConstraint('licence', name=op.f('uq_establishments_licence'))
    )
    op.create_table('parcel_catalogue_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parcel_catalogue_versions'))
    )
    op.create_table('stolen_property',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('reported_date', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('imported_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stolen_property'))
    )
    with op.batch_alter_table('stolen_property', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stolen_property_number'), ['number'], unique=False)

    op.create_table('parcels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('carrier_id', sa.Integer(), nullable=False),
    sa.Column('tracking_number', sa.String(length=64), nullable=False),
    sa.Column('sender_name', sa.String(length=200), nullable=False),
    sa.Column('sender_document_type', sa.String(length=10), nullable=False),
    sa.Column('sender_document_number', sa.String(length=64), nullable=False),
    sa.Column('receiver_name', sa.String(length=200), nullable=False),
    sa.Column('contents', sa.Text(), nullable=False),
    sa.Column('weight_kg', sa.Float(), nullable=False),
    sa.Column('origin', sa.String(length=200), nullable=False),
    sa.Column('destination', sa.String(length=200), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('categories', sa.String(length=300), nullable=False),
    sa.Column('matched_terms', sa.Text(), nullable=False),
    sa.Column('un_numbers', sa.String(length=200), nullable=False),
    sa.Column('sender_hits', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('received_at', UtcDateTime(), nullable=False),
    sa.Column('retain_until', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['carrier_id'], ['establishments.id'], name=op.f('fk_parcels_carrier_id_establishments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parcels')),
    sa.UniqueConstraint('carrier_id', 'tracking_number', name='uq_parcels_carrier_tracking')
    )
    with op.batch_alter_table('parcels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parcels_flagged'), ['flagged'], unique=False)
        batch_op.create_index(batch_op.f('ix_parcels_retain_until'), ['retain_until'], unique=False)

    op.create_table('registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('establishment_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('dob', sa.String(length=10), nullable=False),
    sa.Column('nationality', sa.String(length=3), nullable=False),
    sa.Column('document_type', sa.String(length=10), nullable=False),
    sa.Column('document_number', sa.String(length=64), nullable=False),
    sa.Column('item_number', sa.String(length=64), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('hit', sa.Boolean(), nullable=False),
    sa.Column('received_at', UtcDateTime(), nullable=False),
    sa.Column('retain_until', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['establishment_id'], ['establishments.id'], name=op.f('fk_registrations_establishment_id_establishments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations')),
    sa.UniqueConstraint('establishment_id', 'record_id', name='uq_registrations_establishment_record')
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('ix_registrations_purge', ['hit', 'retain_until'], unique=False)

    op.create_table('establishment_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('establishment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['establishment_id'], ['establishments.id'], name=op.f('fk_establishment_users_establishment_id_establishments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_establishment_users_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_establishment_users')),
    sa.UniqueConstraint('user_id', name=op.f('uq_establishment_users_user_id'))
    )
    with op.batch_alter_table('establishment_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_establishment_users_establishment_id'), ['establishment_id'], unique=False)

    op.create_table('registration_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('decided_at', UtcDateTime(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_registration_alerts_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_alerts_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_alerts'))
    )
    with op.batch_alter_table('registration_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_alerts_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_alerts_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('registration_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_alerts_status'))
        batch_op.drop_index(batch_op.f('ix_registration_alerts_registration_id'))

    op.drop_table('registration_alerts')
    with op.batch_alter_table('establishment_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_establishment_users_establishment_id'))

    op.drop_table('establishment_users')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_purge')

    op.drop_table('registrations')
    with op.batch_alter_table('parcels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parcels_retain_until'))
        batch_op.drop_index(batch_op.f('ix_parcels_flagged'))

    op.drop_table('parcels')
    with op.batch_alter_table('stolen_property', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stolen_property_number'))

    op.drop_table('stolen_property')
    op.drop_table('parcel_catalogue_versions')
    op.drop_table('establishments')
