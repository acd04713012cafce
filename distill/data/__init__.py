"""Training input: the sample format, the strict JSONL reader, the datamodule and packing."""
