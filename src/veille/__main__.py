"""`python -m veille`."""

from veille.cli import launch

launch()
