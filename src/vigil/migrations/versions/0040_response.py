"""response: incidents and their timeline, units, key areas, patrol posts, alarm sources

Revision ID: 0040_response
Revises: 0005_screening_upload_jobs
Create Date: 2026-12-07 01:03:34.672739
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from vigil.platform.database import UtcDateTime


revision = '0040_response'
down_revision = '0030_sites_risk'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('response_key_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('radius_m', sa.Float(), nullable=True),
    sa.Column('polygon', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_ref', sa.String(length=64), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_key_areas')),
    sa.UniqueConstraint('source', 'source_ref', name='uq_response_key_areas_source_ref')
    )
    op.create_table('response_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_posts')),
    sa.UniqueConstraint('name', name=op.f('uq_response_posts_name'))
    )
    op.create_table('response_alarm_sources',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('secret', sa.String(length=128), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_response_alarm_sources_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_alarm_sources'))
    )
    op.create_table('response_incidents',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('received_at', UtcDateTime(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('area', sa.String(length=120), nullable=True),
    sa.Column('key_area', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_ref', sa.String(length=120), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('caller_name', sa.String(length=200), nullable=False),
    sa.Column('caller_phone', sa.String(length=40), nullable=False),
    sa.Column('retention_until', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.String(length=32), nullable=True),
    sa.Column('dispatched_at', UtcDateTime(), nullable=True),
    sa.Column('acknowledged_at', UtcDateTime(), nullable=True),
    sa.Column('en_route_at', UtcDateTime(), nullable=True),
    sa.Column('on_scene_at', UtcDateTime(), nullable=True),
    sa.Column('cleared_at', UtcDateTime(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_response_incidents_agency_id_agencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_incidents'))
    )
    with op.batch_alter_table('response_incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_incidents_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_incidents_received_at'), ['received_at'], unique=False)
        batch_op.create_index('ix_response_incidents_status_received', ['status', 'received_at'], unique=False)

    op.create_table('response_units',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('position_at', UtcDateTime(), nullable=True),
    sa.Column('incident_id', sa.String(length=32), nullable=True),
    sa.Column('home_post_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_response_units_agency_id_agencies')),
    sa.ForeignKeyConstraint(['home_post_id'], ['response_posts.id'], name=op.f('fk_response_units_home_post_id_response_posts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_units'))
    )
    with op.batch_alter_table('response_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_units_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_units_status'), ['status'], unique=False)

    op.create_table('response_alarm_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.String(length=40), nullable=False),
    sa.Column('event_id', sa.String(length=80), nullable=False),
    sa.Column('incident_id', sa.String(length=32), nullable=False),
    sa.Column('received_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['response_alarm_sources.id'], name=op.f('fk_response_alarm_receipts_source_id_response_alarm_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_alarm_receipts')),
    sa.UniqueConstraint('source_id', 'event_id', name='uq_response_alarm_receipts_event')
    )
    op.create_table('response_timeline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.String(length=32), nullable=False),
    sa.Column('at', UtcDateTime(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.String(length=32), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['response_incidents.id'], name=op.f('fk_response_timeline_incident_id_response_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_timeline'))
    )
    with op.batch_alter_table('response_timeline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_timeline_incident_id'), ['incident_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('response_timeline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_timeline_incident_id'))

    op.drop_table('response_timeline')
    op.drop_table('response_alarm_receipts')
    with op.batch_alter_table('response_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_units_status'))
        batch_op.drop_index(batch_op.f('ix_response_units_agency_id'))

    op.drop_table('response_units')
    with op.batch_alter_table('response_incidents', schema=None) as batch_op:
        batch_op.drop_index('ix_response_incidents_status_received')
        batch_op.drop_index(batch_op.f('ix_response_incidents_received_at'))
        batch_op.drop_index(batch_op.f('ix_response_incidents_agency_id'))

    op.drop_table('response_incidents')
    op.drop_table('response_alarm_sources')
    op.drop_table('response_posts')
    op.drop_table('response_key_areas')

