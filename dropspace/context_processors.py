from django.conf import settings


def product(request):
    """Facts every page may show: whether we run on the embedded defaults."""
    return {"embedded_mode": settings.EMBEDDED, "debug": settings.DEBUG}
