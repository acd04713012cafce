"""Register the application schemas in Hydra's ConfigStore (each primary config extends one)."""

from hydra.core.config_store import ConfigStore
from omegaconf import OmegaConf

from distill.config.schemas import (
    EvaluateAppConfig,
    GenerateAppConfig,
    PipelineAppConfig,
    TrainAppConfig,
)

APP_SCHEMAS = {
    "base_generate": GenerateAppConfig,
    "base_train": TrainAppConfig,
    "base_evaluate": EvaluateAppConfig,
    "base_pipeline": PipelineAppConfig,
}


def register_configs() -> None:
    store = ConfigStore.instance()
    for name, schema in APP_SCHEMAS.items():
        store.store(name=name, node=schema)
    # ${mul:a,b} for values derived from swept ones (e.g. lora_alpha = 2 x lora_r)
    if not OmegaConf.has_resolver("mul"):
        OmegaConf.register_new_resolver("mul", lambda a, b: a * b)


register_configs()
