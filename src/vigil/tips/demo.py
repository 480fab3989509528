"""Demo data: a few tips (one with a question waiting for an answer), two volunteers and their shifts."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.platform import clock
from vigil.platform.identity.models import Agency
from vigil.platform.identity.principal import Principal
from vigil.tips import service
from vigil.tips.models import Tip
from vigil.tips.schemas import LinkIncident, Position, PublicTipIn, ShiftIn, VolunteerIn

TIPS = [
    ("suspicious_object", "An unattended grey suitcase has been next to the bus shelter on Avinguda Meritxell "
                          "since this morning.", "Avinguda Meritxell, Andorra la Vella", 42.5075, 1.5235),
    ("theft", "Two men were opening car doors in the car park behind the shopping centre around 22:00.",
     "Car park, Escaldes-Engordany", 42.5101, 1.5391),
    ("traffic_danger", "A fallen rock blocks half of the road after the second bend.", "CG-2 near Encamp",
     42.5350, 1.5820),
    ("drugs", "People are dealing near the school gate every afternoon.", "Near the school, La Massana", 42.5452,
     1.5150),
]


def seed(session: Session, actor: Principal) -> None:
    if session.scalar(select(Tip.id).limit(1)):
        return
    city = session.scalar(select(Agency).where(Agency.code == "city"))
    officer = replace(actor, username="supervisor", agency_id=city.id if city else actor.agency_id,
                      agency_code="city")
    tips = [service.submit(session, PublicTipIn(category=c, text=t, place=p,
                                                    position=Position(lat=la, lon=lo)))[0]
            for c, t, p, la, lo in TIPS]
    service.ask(session, officer, tips[0].id, "Is the suitcase still there, and did anyone come back for it?")
    service.link(session, officer, tips[1].id, LinkIncident(incident_ref="DEMO-INC-0001"))
    service.close(session, officer, tips[2].id, "Road service removed the rock; road reopened.")
    start = clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    for name, area in (("Marta Puig", "Andorra la Vella"), ("Jordi Vila", "Escaldes-Engordany")):
        volunteer = service.create_volunteer(session, officer, VolunteerIn(
            display_name=name, phone="+376 600 000", email=f"{name.split()[0].lower()}@example.org", area=area,
            consent_text="Agrees to be contacted about patrol shifts (signed form, demo)"))
        for day in range(3):
            begin = start + timedelta(days=day, hours=18 - start.hour)
            service.add_shift(session, officer, volunteer.id, ShiftIn(area=area, starts_at=begin, hours=3))

