"""The benchmarks: one module each, found by name (``eval.test_datasets=[humaneval, mbpp]``).

A benchmark module implements

- ``load(config: EvaluationConfig) -> list[Problem]``: its problems (its own settings, if any, under
  ``eval.<name>``);

and, when a completion is not tested by running ``problem.program(completion)`` once (Python) or
through ``distill.execution.languages`` (other languages):

- ``test_jobs(problem, completion, config, group) -> list[Job]``: the sandbox jobs of one sample;
- ``verdict(problem, results) -> dict``: ``passed``, ``result`` and any extra fields, from those
  jobs' results;

and optionally ``describe(config) -> dict``: what the report says about it (prompt format, split).

So a new benchmark is one file here (or a module of your own, named by its dotted path in
``eval.test_datasets``) plus its config entry. ``distill.evaluation.registry`` loads them; nothing
imports them directly, so this package has no import of its own.
"""
