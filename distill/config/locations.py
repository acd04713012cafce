"""Where the Hydra configuration lives: ``conf/`` beside the package in a checkout.

Groups whose options are also the defaults of schemas built in Python (the prompt templates, the topic
lists, the price table) are read from here; a run composed by Hydra takes them from the selected group
option instead, so ``--config-dir`` can replace them.
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = REPO_ROOT / "conf"
PROMPTS_FILE = CONFIG_DIR / "data" / "prompts" / "generation.yaml"
TOPICS_FILE = CONFIG_DIR / "data" / "topics" / "default.yaml"
PRICE_TABLE = CONFIG_DIR / "api" / "pricing" / "anthropic.yaml"
