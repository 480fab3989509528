"""Demo watchlists: the real UN Security Council and OFAC SDN lists the repository carries (data/), and an agency list."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.platform.config import bundled_data
from vigil.platform.identity.principal import Principal
from vigil.screening import service
from vigil.screening.models import Watchlist

SHARED = bundled_data() / "sanctions"


def seed(session: Session, actor: Principal) -> None:
    if session.scalars(select(Watchlist)).first() is not None:
        return
    from vigil.platform.identity import service as identity

    ctb = identity.principal_of(identity.user_by_name(session, "analyst"))
    ctb = replace(ctb, role="supervisor")  # the bureau's list manager
    un_file = SHARED / "un" / "consolidated.xml"
    if "un" in os.environ.get("VIGIL_DEMO_LISTS", "un,ofac").split(",") and un_file.exists():
        un = service.create_watchlist(session, ctb, "UN Security Council Consolidated List", "un",
                                      "UN Security Council resolutions (Chapter VII) as implemented in national law")
        service.import_list(session, ctb, un.id, un_file)
    ofac_dir = SHARED / "ofac"
    # VIGIL_DEMO_LISTS chooses the official lists the demo loads (default both; the test suite loads only UN,
    # which its console and API tests use, and saves the OFAC import in every test module's database).
    wanted = os.environ.get("VIGIL_DEMO_LISTS", "un,ofac").split(",")
    if "ofac" in wanted and (ofac_dir / "sdn.csv").exists():
        ofac = service.create_watchlist(session, ctb, "OFAC Specially Designated Nationals", "ofac",
                                        "Sanctions Act s.4 (implementing partner-state designations)")
        service.import_list(session, ctb, ofac.id, ofac_dir)
    own = service.create_watchlist(session, ctb, "CTB persons of interest", "manual",
                                   "Counter-Terrorism Act s.12 (designation by the bureau director)")
    service.add_entry(session, ctb, own.id, service.ManualEntry(
        name="Karim Haddad", aliases=("Kareem Hadad", "كريم حداد"), dob="1988-04-02", nationality="XX",
        id_numbers=("X1234567",), legal_basis="Counter-Terrorism Act s.12",
        grounds="Purchased explosive precursors in quantity without a licence (case CTB-2026-00001)",
        review_date=date.today() + timedelta(days=180)))
