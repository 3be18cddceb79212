"""klaspoort: central login and access platform for primary schools."""

__version__ = "0.1.0"
