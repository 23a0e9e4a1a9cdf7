"""SPARQL queries: the protocol parsed once, the text guard, answers, the executors, the worker
pool with its wire format and worker, and the inline lane for queries bounded before they run."""
