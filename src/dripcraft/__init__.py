"""dripcraft: one long article in, a themed drip sequence of marketing emails out."""

__version__ = "0.1.0"
