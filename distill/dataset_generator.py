"""The spec's ``src.dataset_generator`` module path."""

from distill.config.schemas import DatasetConfig
from distill.data.generator import DatasetGenerator
from distill.data.quality import DatasetQualityController

__all__ = ["DatasetConfig", "DatasetGenerator", "DatasetQualityController"]
