"""The project's settings with the floor experiments' URLs in front (``run.py --floor``)."""

from breakthrough.settings import *  # noqa: F403

ROOT_URLCONF = "floor_urls"
