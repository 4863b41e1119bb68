from django.apps import AppConfig
from django.db.models.signals import post_delete


class MediaConfig(AppConfig):
    name = "media"

    def ready(self):
        from media import storage
        from media.models import MediaAsset

        # Rows deleted by a cascade (a whole user account) take their files along.
        post_delete.connect(storage.forget_deleted, sender=MediaAsset, dispatch_uid="media-files")
