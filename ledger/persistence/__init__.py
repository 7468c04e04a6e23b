"""Where events live: PostgreSQL (production) or an embedded SQLite file, chosen by URL."""
