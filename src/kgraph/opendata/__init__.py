"""Open data for portals and downloads: dump sets, VoID, the DCAT-AP-SE record and its check,
CSV tables."""
