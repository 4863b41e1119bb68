"""python manage.py set_plan EMAIL PLAN: put a person on a plan (scripts, operators)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from billing import services
from billing.plans import all_plans


class Command(BaseCommand):
    help = "Put the person with EMAIL on PLAN (no Stripe involved; periods are calendar months)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("plan", help="one of: " + ", ".join(all_plans()))

    def handle(self, *args, email: str, plan: str, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"no account with the email address {email}")
        try:
            services.set_plan(account=user, plan_name=plan)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{user.email} is now on the {plan} plan")
