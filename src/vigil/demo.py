"""Demo data: agencies, users and a little data in every module that exists. Idempotent."""

from __future__ import annotations

import importlib
from dataclasses import replace

from sqlalchemy import select

from vigil.cases import service as cases
from vigil.cases.schemas import CaseIn, SubjectIn
from vigil.platform.database import session_scope
from vigil.platform.identity import service as identity
from vigil.platform.identity.models import Agency
from vigil.platform.identity.principal import SYSTEM

AGENCIES = [
    ("city", "City Police Bureau", "police", "XX"),
    ("transport", "Transport Police", "transport", "XX"),
    ("ctb", "Counter-Terrorism Bureau", "counter_terrorism", "XX"),
    ("liaison-fr", "Foreign Liaison Office (FR)", "liaison", "FR"),
]

# username, agency, role, clearance; the demo password is "<username>-demo-pass"
USERS = [
    ("admin", "city", "admin", 3),
    ("supervisor", "city", "supervisor", 2),
    ("analyst", "ctb", "analyst", 2),
    ("operator", "transport", "operator", 1),
    ("viewer", "city", "viewer", 1),
    ("liaison", "liaison-fr", "analyst", 1),
]

# Capabilities that can seed their own demo data expose vigil.<capability>.demo.seed(session, actor).
CAPABILITY_SEEDERS = ["vigil.screening.demo", "vigil.intel.demo", "vigil.registrations.demo", "vigil.parcels.demo",
                      "vigil.ledger.demo", "vigil.sites.demo", "vigil.risk.demo", "vigil.response.demo",
                      "vigil.analysis.demo", "vigil.tips.demo"]


def demo_password(username: str) -> str:
    return f"{username}-demo-pass"


def seed() -> list[tuple[str, str, str]]:
    with session_scope() as db:
        if db.scalars(select(Agency)).first() is None:
            for code, name, kind, country in AGENCIES:
                identity.create_agency(db, SYSTEM, code, name, kind, country)
            for username, agency, role, clearance in USERS:
                identity.create_user(db, SYSTEM, username, demo_password(username), agency, role, clearance)
            _seed_cases(db)
    for name in CAPABILITY_SEEDERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):  # capability not built yet
                continue
            raise
        with session_scope() as db:
            module.seed(db, SYSTEM)
    return [(u, demo_password(u), f"{r} @ {a}") for u, a, r, _ in USERS]


def _seed_cases(db) -> None:
    with_users = {u.username: identity.principal_of(u) for u in identity.list_users(db)}
    ctb = with_users["analyst"]
    ctb = replace(ctb, role="operator")  # seeded by the bureau's duty operator
    case = cases.create_case(db, ctb, CaseIn(title="Explosive precursor purchases, north district",
                                             summary="Repeated purchases of precursor chemicals reported by a "
                                                     "licensed dealer.", restricted=True, classification=1,
                                             legal_basis="Counter-Terrorism Act s.12 (preparatory acts)"))
    cases.add_subject(db, ctb, case.id, SubjectIn(full_name="Karim Haddad", date_of_birth="1988-04-02",
                                                  nationality="XX", document_number="X1234567"))
    city = with_users["operator"]
    cases.create_case(db, city, CaseIn(title="Pickpocketing series, central station",
                                       summary="Series of thefts on platforms 3-5.",
                                       legal_basis="Criminal Procedure Code art. 110"))
