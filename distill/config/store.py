"""Register the application schemas in Hydra's ConfigStore (each primary config extends one)."""

from hydra.core.config_store import ConfigStore

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


register_configs()
