"""klaspoort: central login and access platform for primary schools."""

__version__ = "0.1.0"

# The Celery app is loaded with the package, so tasks queued by the web app use its configuration.
from klaspoort.celery import app as celery_app

__all__ = ["__version__", "celery_app"]
