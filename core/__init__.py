"""The bottom of the app graph: one-time links, email, errors, audit, shared helpers."""
