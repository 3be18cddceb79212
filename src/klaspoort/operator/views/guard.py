"""`operator_required`: every console page (see `twofactor.operators`)."""

from klaspoort.twofactor.operators import operator_required

__all__ = ["operator_required"]
