"""Where the Hydra configuration lives: ``distill/conf``, inside the package (``conf`` at the top of a
checkout is a link to it), so an installed wheel carries its config groups and defaults.

Groups whose options are also the defaults of schemas built in Python (the prompt templates, the topic
lists, the price table) are read from here; a run composed by Hydra takes them from the selected group
option instead, so ``--config-dir`` can replace them.
"""

from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parents[1] / "conf"
PROMPTS_FILE = CONFIG_DIR / "data" / "prompts" / "generation.yaml"
TOPICS_FILE = CONFIG_DIR / "data" / "topics" / "default.yaml"
PRICE_TABLE = CONFIG_DIR / "api" / "pricing" / "anthropic.yaml"
