from django.core.management.base import BaseCommand, CommandError

from kam.core.request_context import request_id_scope
from kam.users.models import User
from kam.users.services import token_create, token_revoke


class Command(BaseCommand):
    help = "API tokens: `kam token create USERNAME [--days N]` prints the new key on its last line."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token for USERNAME")
        create.add_argument("username")
        create.add_argument("--days", type=int, default=None, help="lifetime in days (default: the setting)")
        revoke = sub.add_parser("revoke-all", help="revoke every token of USERNAME")
        revoke.add_argument("username")

    def handle(self, *args, action, username, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        with request_id_scope():
            if action == "create":
                if not user.is_active:
                    raise CommandError(f"{username} is deactivated.")
                token, key = token_create(user=user, actor=None, days=options.get("days"))
                expiry = token.expiry.isoformat() if token.expiry else "never"
                self.stderr.write(
                    f"Token for {username}, expires {expiry}. Send it as 'Authorization: Token <key>'."
                )
                self.stdout.write(key)
            else:
                tokens = list(user.auth_token_set.all())
                for token in tokens:
                    token_revoke(token=token, actor=None)
                self.stdout.write(f"{len(tokens)} token(s) revoked for {username}.")
