"""The generation request of one sample, rendered from the editable templates of ``data.prompts``
(``conf/data/prompts/generation.yaml``; placeholders are listed there)."""

from __future__ import annotations

from functools import lru_cache
from string import Template

from distill.config.schemas import PromptConfig


class PromptBuilder:
    """Renders the system prompt and the user prompt of one cell of the grid."""

    def __init__(self, config: PromptConfig) -> None:
        self.config = config

    @property
    def system(self) -> str:
        return Template(self.config.system).substitute().strip()

    def user(self, language: str, difficulty: str, style: str, topic: str, variation: int) -> str:
        config = self.config
        values = {
            "language": language,
            "language_name": config.language_names[language],
            "difficulty": difficulty,
            "style": style,
            "topic": topic,
            "variation": str(variation),
            "difficulty_guidance": config.difficulty_guidance[difficulty].strip(),
            "style_guidance": config.style_guidance[style].strip(),
            "test_convention": config.test_conventions[language].strip(),
        }
        return Template(config.user).substitute(values).strip()


@lru_cache(maxsize=1)
def _default_prompts() -> PromptBuilder:
    return PromptBuilder(PromptConfig())


def generation_prompt(language: str, difficulty: str, style: str, topic: str, variation: int) -> str:
    """The user prompt of one request, from the default templates (``conf/data/prompts/generation.yaml``);
    the generator renders the configured ``data.prompts`` instead."""
    return _default_prompts().user(language, difficulty, style, topic, variation)


GENERATION_SYSTEM = _default_prompts().system  # the default system prompt
