from tests.oversight.conftest import alice, bob  # noqa: F401  (verified contributors)
