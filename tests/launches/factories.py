import factory

from launches.models import Launch, PostingLog


class LaunchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Launch

    name = "Acme launch"
    product_description = "Acme turns invoices into payments. It takes one click."
    platforms = factory.LazyFunction(lambda: ["twitter", "linkedin"])
    platform_contents = factory.LazyFunction(
        lambda: {
            "twitter": {"platform": "twitter", "content": "Acme is live", "generated_by": "user"},
            "linkedin": {"platform": "linkedin", "content": "Acme!", "generated_by": "user"},
        }
    )


class PostingLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostingLog

    launch = factory.SubFactory(LaunchFactory)
    platform = "twitter"
    target_key = "twitter"


def due_twitter_launches(*, owner, twitter, count, due):
    """``count`` scheduled one-tweet launches due at ``due``, made in one statement."""
    return Launch.objects.bulk_create(
        [
            Launch(
                owner=owner,
                name=f"launch {n}",
                status="scheduled",
                scheduled_date=due,
                platforms=["twitter"],
                platform_contents={"twitter": {"platform": "twitter", "content": f"post {n}"}},
                user_platform_accounts={"twitter": str(twitter.pk)},
            )
            for n in range(count)
        ]
    )
