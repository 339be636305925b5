from rest_framework.permissions import SAFE_METHODS, BasePermission


class RoleWritePermission(BasePermission):
    """Authenticated users read (what restrict() lets them); auditors never write."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        return request.method in SAFE_METHODS or user.can_write
