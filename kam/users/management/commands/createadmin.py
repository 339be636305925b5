import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kam.core.request_context import request_id_scope
from kam.users.models import User
from kam.users.services import user_create


class Command(BaseCommand):
    help = "Create an administrator (password from --password, $KAM_ADMIN_PASSWORD or a prompt)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", default=None)

    def handle(self, *args, username, email, password, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        password = password or os.environ.get("KAM_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        try:
            validate_password(password, User(username=username, email=email))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        with request_id_scope():
            user_create(
                actor=None,
                username=username,
                password=password,
                email=email,
                role="admin",
                is_staff=True,
                is_superuser=True,
            )
        self.stdout.write(self.style.SUCCESS(f"Administrator {username} created."))
