"""phoihop: a knowledge graph of Vietnamese coordination programmes and the commitments in them."""

__version__ = "0.1.0"
