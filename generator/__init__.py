"""Evidence publishing generator: YAML studies and findings -> bilingual MkDocs site and PDF reports."""
