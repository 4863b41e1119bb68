"""/sandbox/<platform>/<host>/<the platform's own path>: one prefix per real API host."""

from django.urls import path, re_path

from connections.sandbox.views import common, graph, linkedin, pages, reddit, tiktok, twitter, x402

app_name = "sandbox"

authorize = common.authorize

urlpatterns = [
    path("", pages.index, name="index"),
    path("accounts/<int:account_id>/", pages.feed, name="feed"),
    path("accounts/<int:account_id>/faults", pages.inject_fault, name="inject-fault"),
    path("accounts/<int:account_id>/picture.png", pages.picture, name="picture"),
    path("posts/<path:post_id>", pages.post, name="post"),
    path("accounts/<int:account_id>/faults/clear", pages.clear_faults, name="clear-faults"),
    path("media/<int:pk>", pages.media_file, name="media-file"),
    # x402 facilitator (no chain: verifies locally, records settlements)
    path("x402/facilitator/verify", x402.verify, name="x402-verify"),
    path("x402/facilitator/settle", x402.settle, name="x402-settle"),
    path("x402/facilitator/supported", x402.supported, name="x402-supported"),
    # X
    path("twitter/auth/i/oauth2/authorize", authorize, {"platform": "twitter"}),
    path("twitter/api/2/oauth2/token", twitter.token),
    path("twitter/api/2/oauth2/revoke", twitter.revoke),
    path("twitter/api/2/users/me", twitter.me),
    path("twitter/api/2/users/<str:user_id>/tweets", twitter.user_tweets),
    path("twitter/api/2/tweets", twitter.tweets),
    path("twitter/api/2/tweets/<str:tweet_id>", twitter.tweet),
    path("twitter/api/2/media/upload", twitter.media_upload),
    path("twitter/api/2/media/upload/initialize", twitter.media_initialize),
    path("twitter/api/2/media/upload/<str:media_id>/append", twitter.media_append),
    path("twitter/api/2/media/upload/<str:media_id>/finalize", twitter.media_finalize),
    # LinkedIn
    path("linkedin/auth/oauth/v2/authorization", authorize, {"platform": "linkedin"}),
    path("linkedin/auth/oauth/v2/accessToken", linkedin.access_token),
    path("linkedin/auth/oauth/v2/revoke", linkedin.revoke),
    path("linkedin/api/v2/userinfo", linkedin.userinfo),
    path("linkedin/api/rest/organizationAcls", linkedin.organization_acls),
    path("linkedin/api/rest/organizations/<str:org_id>", linkedin.organization),
    path("linkedin/api/rest/images", linkedin.images),
    path("linkedin/api/rest/videos", linkedin.videos),
    path("linkedin/api/rest/images/<path:urn>", linkedin.media_status),
    path("linkedin/api/rest/videos/<path:urn>", linkedin.media_status),
    path("linkedin/api/upload/<int:media_pk>", linkedin.upload),
    path("linkedin/api/rest/posts", linkedin.posts),
    path("linkedin/api/rest/posts/<path:urn>", linkedin.post),
    path("linkedin/api/rest/organizationalEntityShareStatistics", linkedin.share_statistics),
    path("linkedin/api/rest/memberCreatorPostAnalytics", linkedin.member_analytics),
    # TikTok
    path("tiktok/auth/v2/auth/authorize/", authorize, {"platform": "tiktok"}),
    path("tiktok/api/v2/oauth/token/", tiktok.token),
    path("tiktok/api/v2/oauth/revoke/", tiktok.revoke),
    path("tiktok/api/v2/user/info/", tiktok.user_info),
    path("tiktok/api/v2/post/publish/creator_info/query/", tiktok.creator_info),
    path("tiktok/api/v2/post/publish/video/init/", tiktok.video_init),
    path("tiktok/api/v2/post/publish/content/init/", tiktok.content_init),
    path("tiktok/api/v2/post/publish/status/fetch/", tiktok.status_fetch),
    path("tiktok/api/upload/<int:media_pk>/", tiktok.upload),
    path("tiktok/api/v2/video/query/", tiktok.video_query),
    path("tiktok/api/v2/video/list/", tiktok.video_list),
    # Reddit
    path("reddit/auth/api/v1/authorize", authorize, {"platform": "reddit"}),
    path("reddit/auth/api/v1/access_token", reddit.access_token),
    path("reddit/auth/api/v1/revoke_token", reddit.revoke_token),
    path("reddit/api/api/v1/me", reddit.me),
    path("reddit/api/api/submit", reddit.submit),
    path("reddit/api/api/submit_gallery_post.json", reddit.submit_gallery),
    path("reddit/api/api/media/asset.json", reddit.media_asset),
    path("reddit/api/s3", reddit.s3_upload),
    path("reddit/api/api/del", reddit.delete),
    path("reddit/api/api/info", reddit.info),
    path("reddit/api/user/<str:username>/submitted", reddit.submitted),
    # Facebook and Instagram (Graph API)
    re_path(
        r"^(?P<platform>facebook|instagram)/auth/(?P<version>v[\d.]+)/dialog/oauth$", authorize
    ),
    re_path(
        r"^(?P<platform>facebook|instagram)/api/(?P<version>v[\d.]+)/oauth/access_token$",
        graph.access_token,
    ),
    re_path(
        r"^(?P<platform>facebook|instagram)/api/(?P<version>v[\d.]+)/(?P<path>.+)$", graph.graph
    ),
    # graph-video.facebook.com: resumable video uploads
    re_path(r"^(?P<platform>facebook)/video/(?P<version>v[\d.]+)/(?P<path>.+)$", graph.graph),
]
