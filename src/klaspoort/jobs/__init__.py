"""Background work on Celery: housekeeping, the mail queue's sweep, roster syncs (docs/operations.md)."""
