"""The SHACL gate: the report, the pyshacl reference check, the fast check (SHACL compiled to
SPARQL) and one file:line locator for both."""
