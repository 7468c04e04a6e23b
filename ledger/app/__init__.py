"""The application service, in parts: the core write path, agreement and grant commands."""
