"""Real-name registrations: establishments report their customers; records are checked, screened and forgotten
unless they hit."""
