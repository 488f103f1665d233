"""Tools around the pipeline: diff and history rule, schema, scaffolding, preview server, bench, layers."""
