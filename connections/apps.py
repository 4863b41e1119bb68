from django.apps import AppConfig
from django.db.models.signals import post_delete


class ConnectionsConfig(AppConfig):
    name = "connections"

    def ready(self):
        from connections import avatars
        from connections.models import Connection

        # Rows deleted by a cascade (a whole user account) take their picture file along.
        post_delete.connect(
            avatars.forget_deleted, sender=Connection, dispatch_uid="connection-avatar-file"
        )
