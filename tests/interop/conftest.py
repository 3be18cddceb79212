# The federation tests' per-test signing keys and client cache apply here as well.
from tests.federation.conftest import _fresh_signing_keys  # noqa: F401
