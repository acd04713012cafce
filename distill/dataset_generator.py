"""The spec's ``src.dataset_generator`` module path."""

from distill.config.schemas import DatasetConfig
from distill.generation.generator import DatasetGenerator
from distill.generation.quality import DatasetQualityController

__all__ = ["DatasetConfig", "DatasetGenerator", "DatasetQualityController"]
