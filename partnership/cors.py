"""CORS for the open data (settings ``CORS_URLS_REGEX``): another site's page may read the
API, the GeoJSON, the calendar feeds and the CSV, as an anonymous visitor sees them.

An answer made for a logged-in session (a partner's CSV with partners-only initiatives)
never carries ``Access-Control-Allow-Origin``: what it holds is that user's, not open data.
A cross-site ``fetch`` sends no session cookie (``SameSite=Lax``, and no credentials are
ever allowed), so other sites only ever receive the anonymous answer anyway."""

from corsheaders.middleware import CorsMiddleware


class OpenDataCorsMiddleware(CorsMiddleware):
    def add_response_headers(self, request, response):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return response
        return super().add_response_headers(request, response)
