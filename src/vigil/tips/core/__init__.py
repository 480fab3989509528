"""Pure tip-line helpers: codes, rate limiting, spam checks. No web, no database."""
