"""What every test file shares (one of each, never a private copy in a test file):
counting a page's queries and logging in as one of the cast (``tests/conftest.py``)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def query_count(client, url: str, params: dict | None = None, *, status: int = 200) -> int:
    """The number of SQL queries one GET of ``url`` takes (asserting its status first)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == status, (url, response.status_code)
    return len(queries)


def login_as(client, request, role: str):
    """Log the test client in as a fixture of the cast, by name ("member", "coordinator" …);
    "resident" stays anonymous. Returns the client (for parametrised role tests)."""
    if role != "resident":
        client.force_login(request.getfixturevalue(role))
    return client
