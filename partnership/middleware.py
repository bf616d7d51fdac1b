"""Middleware of the portal as a whole."""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.forms import BaseForm
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


class InvalidFormStatusMiddleware:
    """A submitted form with errors answers 400, whichever view shows it again.

    The portal's own views say so themselves (``render(..., status=400)``); class-based views
    we do not write — allauth's login, password and two-factor pages — re-render a
    ``TemplateResponse`` with 200. Here such a response becomes 400 when its context holds a
    bound form that was validated and has errors, so every form answers bad input alike.
    Only forms already validated count: nothing is validated here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if request.method == "POST" and response.status_code == 200:
            context = response.context_data or {}
            if any(
                isinstance(value, BaseForm) and value.is_bound and getattr(value, "_errors", None)
                for value in context.values()
            ):
                response.status_code = 400
        return response


class SecurityHeadersMiddleware:
    """What every response says about itself, whichever view (or error page) made it.

    - A request body over ``REQUEST_BODY_MAX_BYTES`` (by its ``Content-Length``) answers 413
      before anything reads it: uploads included, which Django's
      ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not count. The proxy caps it first (README).
    - ``Permissions-Policy`` (``PERMISSIONS_POLICY``): the portal uses no camera,
      microphone, location, payment … so no page, nor anything injected into one, may ask.
    - ``Cache-Control: private, no-store`` on every response that depends on a session: to
      a logged-in user's request, and any that sets the session or messages cookie (a login,
      a logout, a message to show next). Anonymous public pages are left to their views, so
      that a shared cache may keep them.

    First in ``MIDDLEWARE``: it sees the response last, errors and static files included.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.session_cookies = {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name}

    def __call__(self, request):
        response = self._body_too_large(request) or self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if self._for_session(request, response):
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
        return response

    @staticmethod
    def _body_too_large(request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest("Content-Length is not a number.")
        if length > settings.REQUEST_BODY_MAX_BYTES:
            return HttpResponse(
                _("The request is too large (at most %(size)s MB).")
                % {"size": settings.REQUEST_BODY_MAX_BYTES // 1_000_000},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return None

    def _for_session(self, request, response) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        session = getattr(request, "session", None)
        return bool(
            (session is not None and session.modified)
            or self.session_cookies.intersection(response.cookies)
        )


class HeadAsGetMiddleware:
    """HEAD is answered wherever GET is, exactly as GET but without the body (RFC 9110
    §9.3.2): the view runs as for a GET, and the body is dropped here (``Content-Length``
    stays what the GET's is). So a view that tells its form's GET from its POST by
    ``request.method == "GET"`` never takes a HEAD for a submission, and django-ninja's API
    (which knows only the methods its operations declare) answers HEAD too.

    Right after ``SecurityHeadersMiddleware``: everything further in sees a GET."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if response.streaming:
            response.streaming_content = iter(())
        else:
            response.content = b""
        return response
