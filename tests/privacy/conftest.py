"""Privacy tests (issue 14) reuse the web fixtures: the app, a client, signing in, the shipped law."""

from tests.webui.conftest import app, auth, client, law  # noqa: F401
from tests.webui.test_medical_data import assessed  # noqa: F401  (a trajectory with decision A, its justification)
