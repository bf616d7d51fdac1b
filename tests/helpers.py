"""What every test file shares (one of each, never a private copy in a test file):
counting a page's queries and logging in as one of the cast (``tests/conftest.py``)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def query_count(
    client,
    url: str,
    params: dict | None = None,
    *,
    status: int = 200,
    with_response: bool = False,
):
    """The number of SQL queries one GET of ``url`` takes (asserting its status first).

    A streamed response (CSV, calendar) runs its queries while it is sent, so it is read to
    the end inside the count. ``with_response=True`` returns ``(count, response)``, for tests
    that also check what the page showed.
    """
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
        if response.streaming:
            # Keep the bytes: the test may read the body after the count.
            response.streaming_content = [b"".join(response.streaming_content)]
    assert response.status_code == status, (url, response.status_code)
    return (len(queries), response) if with_response else len(queries)


def login_as(client, request, role: str):
    """Log the test client in as a fixture of the cast, by name ("member", "coordinator" …);
    "resident" stays anonymous. Returns the client (for parametrised role tests)."""
    if role != "resident":
        client.force_login(request.getfixturevalue(role))
    return client
