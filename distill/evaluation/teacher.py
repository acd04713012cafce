"""The black-box teacher (Claude) answering benchmark problems through ``ClaudeAPIClient``.

Each problem's ``instruction`` is sent once (the API refuses sampling parameters, and a repeated
identical request would be answered from the response cache, so the teacher has one sample per
problem: pass@1). Responses are cached in ``eval.teacher_api.cache_dir``: re-running an evaluation
never pays twice. The code block of each answer becomes the sample's completion; a request that
failed (API error, truncated answer) is *not evaluated* rather than counted against the model.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from typing import Any

from tqdm.auto import tqdm

from distill.api.client import ClaudeAPIClient
from distill.api.types import CodeGenerationRequest
from distill.config.schemas import ClaudeConfig
from distill.evaluation.problem import Problem

SYSTEM = "You are an expert programmer. Answer with correct, complete, self-contained code in one fenced code block."


class TeacherEvaluator:
    """Answers problems with ``model`` through the configured client; keeps the usage and cost."""

    def __init__(self, api: ClaudeConfig, model: str) -> None:
        self.client = ClaudeAPIClient(dataclasses.replace(api, model=model))
        self.model = model

    def answer(self, problems: Sequence[Problem], description: str = "teacher") -> list[dict[str, Any]]:
        """Per problem: ``{"task_id", "completion"}`` or, when the request failed, ``{"task_id",
        "error"}``."""
        requests = [
            CodeGenerationRequest(instruction=p.instruction, language=p.language, system=SYSTEM)
            for p in problems
        ]
        with tqdm(total=len(requests), desc=description, leave=False) as bar:
            responses = asyncio.run(
                self.client.generate_batch(
                    requests,
                    max_concurrent=self.client.config.max_concurrent,
                    progress_callback=lambda *_: bar.update(1),
                )
            )
        answers = []
        for problem, response in zip(problems, responses, strict=True):
            if response.success:
                answers.append(
                    {
                        "task_id": problem.task_id,
                        "completion": problem.completion_from_answer(response.generated_code),
                    }
                )
            else:
                answers.append({"task_id": problem.task_id, "error": response.error or "no answer"})
        return answers

    def usage(self) -> dict[str, Any]:
        return dataclasses.asdict(self.client.totals)

    def close(self) -> None:
        self.client.close()
