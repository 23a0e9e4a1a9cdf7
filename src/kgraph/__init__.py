"""kgraph: a knowledge-graph and linked-data publisher."""

__version__ = "0.1.0"
