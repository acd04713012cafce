"""Stage 3: benchmarks (a registry), generation with each model, scoring in the sandbox, the report."""
