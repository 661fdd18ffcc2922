"""Middleware of the core that no library provides."""

from django.utils.cache import add_never_cache_headers


class SansCacheConnecteMiddleware:
    """Every answer to a logged-in person (page, export, API) is kept by no cache, shared or
    private: `Cache-Control: no-store` (with `private`, `no-cache`, `max-age=0`). A proxy of a
    partner's network or a shared computer's browser would otherwise keep figures, names and
    minutes after the person logged out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
