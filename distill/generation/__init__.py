"""Stage 1: the dataset. Prompts from config, the generator with exact quotas, and quality control
(format, syntax, tests in the sandbox, dedup, decontamination, leaks)."""
