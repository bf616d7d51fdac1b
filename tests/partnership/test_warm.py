"""A worker warms up when it starts (``partnership/warm.py``, called from ``partnership/wsgi.py``):
the URLconf, the reverse maps of every language and the public templates — without a query,
so a worker starts while the database is down too, and never fails to start."""

import pytest
from django.urls import get_resolver

from partnership import warm

pytestmark = pytest.mark.django_db


def test_warming_fills_every_languages_reverse_map_without_a_query(django_assert_num_queries):
    resolver = get_resolver()
    with django_assert_num_queries(0):
        warm.warm()
    for code in ("sv", "en"):
        assert code in resolver._reverse_dict


def test_a_missing_template_is_logged_and_the_worker_starts(monkeypatch, caplog):
    monkeypatch.setattr(warm, "TEMPLATES", ("no/such/template.html",))
    warm.warm()
    assert "no/such/template.html" in caplog.text
