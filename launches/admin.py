from django.contrib import admin

from launches.models import Launch, PostingLog


class PostingLogInline(admin.TabularInline):
    model = PostingLog
    extra = 0
    fields = ["platform", "target_key", "status", "attempt_count", "post_url", "error_code"]
    readonly_fields = fields


@admin.register(Launch)
class LaunchAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "status", "scheduled_date", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "owner__email"]
    raw_id_fields = ["owner", "persona"]
    inlines = [PostingLogInline]


@admin.register(PostingLog)
class PostingLogAdmin(admin.ModelAdmin):
    list_display = ["launch", "platform", "target_key", "status", "attempt_count", "posted_at"]
    list_filter = ["status", "platform"]
    raw_id_fields = ["launch"]
