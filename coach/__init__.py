"""coach: interview prep for robotics Data & ML infrastructure."""

__version__ = "0.1.0"
