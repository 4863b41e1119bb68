"""Scopes: every API view declares the scope each of its operations needs."""

from rest_framework.permissions import BasePermission

ANY_KEY = "any"  # any valid key, whatever its scopes (GET /v1/keys/me)


def required_scope(view, method: str) -> str:
    """The scope an operation needs, from ``view.required_scopes``.

    ``required_scopes`` maps a viewset action ("list", "create", "publish"...) or an HTTP method
    ("GET", "POST"...) to a scope. An operation missing from the map is an error, so a new
    endpoint cannot silently ship without a scope.
    """
    scopes = getattr(view, "required_scopes", None)
    if scopes is None:
        raise LookupError(f"{type(view).__name__} declares no required_scopes")
    action = getattr(view, "action", None)
    if action in scopes:
        return scopes[action]
    if method.upper() in scopes:
        return scopes[method.upper()]
    raise LookupError(f"{type(view).__name__} declares no scope for {action or method}")


class HasRequiredScope(BasePermission):
    message = "insufficient scope"

    def has_permission(self, request, view) -> bool:
        if request.method == "OPTIONS" or not hasattr(view, request.method.lower()):
            return True  # metadata, or a method the view lacks: DRF answers 405 next
        scope = required_scope(view, request.method)
        if scope == ANY_KEY:
            return True
        if not request.auth.has_scope(scope):
            self.message = f"insufficient scope: this operation needs the '{scope}' scope"
            return False
        return True
