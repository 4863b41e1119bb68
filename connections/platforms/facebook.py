"""Facebook Pages through the Graph API: page tokens, text/link/photo/video posts, metrics."""

from __future__ import annotations

import json

from django.conf import settings

from connections.platforms.base import (
    AccountInfo,
    PermanentError,
    PostRequest,
    PublishResult,
    RecentPost,
    TokenSet,
)
from connections.platforms.graph import GraphPlatform

POSTING_TASKS = {"CREATE_CONTENT", "MANAGE"}


class Facebook(GraphPlatform):
    name = "facebook"
    label = "Facebook"
    scopes = [
        "pages_show_list",
        "pages_manage_posts",
        "pages_read_engagement",
        "read_insights",
        "publish_video",
    ]
    setting_hint = "FACEBOOK_CLIENT_ID and FACEBOOK_CLIENT_SECRET (a Meta app with Facebook Login)"

    def accounts(self, tokens: TokenSet) -> list[AccountInfo]:
        """Each page the user may post to, with its own (non-expiring) page token."""
        url = self.graph("/me/accounts", fields="id,name,access_token,tasks,picture")
        pages = self.request("GET", url, token=tokens.access_token).json().get("data", [])
        return [
            AccountInfo(
                entity_id=page["id"],
                account_type="page",
                username=page["name"],
                display_name=page["name"],
                avatar_url=page.get("picture", {}).get("data", {}).get("url", ""),
                access_token=page["access_token"],
            )
            for page in pages
            if POSTING_TASKS & set(page.get("tasks", ["CREATE_CONTENT"]))
        ]

    # -- publishing ----------------------------------------------------------------------------

    def publish(self, connection, request: PostRequest) -> PublishResult:
        """A text, link, photo(s) or video post on the page."""
        videos = [m for m in request.media if m.is_video]
        photos = [m for m in request.media if not m.is_video]
        if videos:
            return self._video(connection, request, videos[0])
        if len(photos) == 1:
            return self._photo(connection, request, photos[0])
        data = {"message": request.text}
        if photos:
            ids = [self._photo_id(connection, photo, published=False) for photo in photos]
            data["attached_media"] = json.dumps([{"media_fbid": pid} for pid in ids])
        elif request.link:
            data["link"] = request.link
        url = self.graph(f"/{connection.entity_id}/feed", fields="id,permalink_url")
        post = self.call(connection, "POST", url, data=data).json()
        return PublishResult(post["id"], post.get("permalink_url") or self._url(post["id"]))

    def _photo(self, connection, request, photo) -> PublishResult:
        data, files = self._photo_payload(photo)
        data["message"] = request.text
        url = self.graph(f"/{connection.entity_id}/photos")
        answer = self.call(connection, "POST", url, data=data, files=files).json()
        post_id = answer.get("post_id") or answer["id"]
        return PublishResult(post_id, self._url(post_id))

    def _photo_id(self, connection, photo, *, published: bool) -> str:
        data, files = self._photo_payload(photo)
        data["published"] = "true" if published else "false"
        url = self.graph(f"/{connection.entity_id}/photos")
        return self.call(connection, "POST", url, data=data, files=files).json()["id"]

    def _photo_payload(self, photo) -> tuple[dict, dict | None]:
        if photo.url:
            return {"url": photo.url}, None
        return {}, {"source": (photo.filename, photo.bytes_or_fail(), photo.content_type)}

    def _video(self, connection, request, video) -> PublishResult:
        """Facebook pulls a public URL itself; otherwise the file goes up in the chunks it
        asks for (resumable upload), never the whole video in memory."""
        if video.url:
            url = self.graph(f"/{connection.entity_id}/videos")
            data = {"description": request.text, "file_url": video.url}
            video_id = self.call(connection, "POST", url, data=data).json()["id"]
        else:
            video_id = self._upload_resumable(connection, video, description=request.text)
        return PublishResult(
            video_id, f"https://www.facebook.com/{connection.entity_id}/videos/{video_id}"
        )

    def _upload_resumable(self, connection, video, *, description: str) -> str:
        """``upload_phase`` start -> transfer (each chunk from ``start_offset`` to
        ``end_offset``, as Facebook's previous answer says, until they meet) -> finish.

        Sent to graph-video.facebook.com, the Graph API's host for video bytes."""
        url = self.url("video", f"/{settings.META_GRAPH_VERSION}/{connection.entity_id}/videos")
        start = self.call(
            connection,
            "POST",
            url,
            data={"upload_phase": "start", "file_size": str(video.byte_size)},
        ).json()
        session, video_id = start["upload_session_id"], start["video_id"]
        first, end = int(start["start_offset"]), int(start["end_offset"])
        with video.reader() as handle:
            while first < end:
                handle.seek(first)
                chunk = handle.read(end - first)  # one chunk in memory at a time
                answer = self.call(
                    connection,
                    "POST",
                    url,
                    data={
                        "upload_phase": "transfer",
                        "upload_session_id": session,
                        "start_offset": str(first),
                    },
                    files={"video_file_chunk": (video.filename, chunk, "application/octet-stream")},
                ).json()
                first, end = int(answer["start_offset"]), int(answer["end_offset"])
        finish = {
            "upload_phase": "finish",
            "upload_session_id": session,
            "description": description,
        }
        if not self.call(connection, "POST", url, data=finish).json().get("success"):
            raise PermanentError("Facebook did not accept the uploaded video", code="upload_failed")
        return video_id

    def _url(self, post_id: str) -> str:
        return f"https://www.facebook.com/{post_id}"

    def check_pending(self, connection, pending):
        raise PermanentError("Facebook posts are never pending")

    # -- delete, metrics, history --------------------------------------------------------------

    def delete(self, connection, post_id: str) -> None:
        self.delete_post_at(connection, "DELETE", self.graph(f"/{post_id}"))

    def metrics(self, connection, post_id: str) -> dict:
        fields = (
            "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares"
        )
        url = self.graph(f"/{post_id}", fields=fields)
        post = self.call_about_post(connection, "GET", url).json()
        return {
            "reactions": post.get("reactions", {}).get("summary", {}).get("total_count", 0),
            "comments": post.get("comments", {}).get("summary", {}).get("total_count", 0),
            "shares": post.get("shares", {}).get("count", 0),
        }

    def recent_posts(self, connection, *, limit: int = 20) -> list[RecentPost]:
        url = self.graph(
            f"/{connection.entity_id}/posts",
            fields="id,message,permalink_url,created_time",
            limit=min(limit, 100),
        )
        posts = self.call(connection, "GET", url).json().get("data", [])
        return [
            RecentPost(p["id"], p.get("message", ""), p.get("permalink_url") or self._url(p["id"]))
            for p in posts
            if p.get("message")
        ]
