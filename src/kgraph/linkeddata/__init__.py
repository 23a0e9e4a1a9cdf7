"""What the pages show, as plain Python: descriptions, labels, lists and counts, search,
charts, the map, the timeline, JSON-LD, provenance marks."""
