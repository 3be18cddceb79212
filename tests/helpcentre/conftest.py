from tests.operator.conftest import console, fast_hasher, operator  # noqa: F401
