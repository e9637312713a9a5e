"""cstrain: training courseware for e-commerce customer-service teams."""

__version__ = "0.1.0"
