"""Pages of the partnership as a whole: home, static pages, health check, error pages."""

import datetime
import sys

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from partnership import site

# Shown on the pages; change them whenever the statement or the notice is reviewed
# (DIGG asks for the date of the latest assessment on the accessibility statement).
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 11, 24)
PRIVACY_NOTICE_DATE = datetime.date(2026, 11, 29)


@require_safe
def home(request):
    """What happens this week, the newest results of "you said, we did", a way to tell
    about a place, and the numbers — each part from its app (``site``), kept in the cache
    by the app until a write changes it."""
    sections = site.home_sections.collect(now=timezone.now())
    return render(
        request,
        "partnership/home.html",
        {"stats": site.home_stats.collect(), **sections},
    )


@require_safe
def accessibility(request):
    return render(
        request,
        "partnership/accessibility.html",
        {"statement_date": ACCESSIBILITY_STATEMENT_DATE},
    )


@require_safe
def privacy(request):
    context = {
        "notice_date": PRIVACY_NOTICE_DATE,
        "resident_report_retention_days": settings.RESIDENT_REPORT_RETENTION_DAYS,
    }
    return render(request, "partnership/privacy.html", context)


def set_language(request):
    """Django's ``set_language``, reading the ``next`` URL in the language it is written in.

    The view itself lives outside ``i18n_patterns``, so the request runs in the default
    language and could not resolve an English ``/en/...`` address to translate it: switching
    from English back to Swedish would land on the English page again."""
    next_url = request.POST.get("next", request.GET.get("next", ""))
    language = translation.get_language_from_path(next_url) or settings.LANGUAGE_CODE
    with translation.override(language):
        return i18n.set_language(request)


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page declares (resolved per request: the
    hashed static name exists only after collectstatic)."""
    return redirect(static("img/logo.svg"), permanent=True)


@never_cache
@require_safe
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that touch the database: the database may be why we are here.
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        # The database does not answer (stopped, restarting, unreachable): "not available
        # right now", not "something broke". The next request reconnects by itself
        # (CONN_HEALTH_CHECKS); make fault-test measures it (scripts/fault_test.py).
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        patch_cache_control(response, no_store=True)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
