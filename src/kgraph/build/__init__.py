"""Building the store: validate, then load (atomic swap); publish to a remote store;
synthetic data."""
