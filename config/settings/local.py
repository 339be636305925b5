"""`make run`: the embedded SQLite database, debug pages, a secret kept in var/."""

from config.env import env_bool, local_secret_key

from .base import *  # noqa: F403

SECRET_KEY = SECRET_KEY or local_secret_key()  # noqa: F405
DEBUG = env_bool("DJANGO_DEBUG", True)
