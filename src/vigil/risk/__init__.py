"""Risk registers, CARVER + Shock, major events, accreditation screening and PDF reports."""
