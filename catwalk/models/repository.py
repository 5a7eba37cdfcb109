"""Checks the model repository without a server: configs, ensemble wiring and the tensor
contract in model_repository/README.md (each model's section lists its tensors in a table
row `| NAME | input/output | TYPE | dims | meaning |`; the config must agree with it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from google.protobuf import text_format
from tritonclient.grpc import model_config_pb2 as mc

CONFIG_VARIANTS = ("config.pbtxt", "configs/gpu.pbtxt")  # default (CPU) and GPU variant
_ROW = re.compile(r"^\|\s*`?([A-Z_]+)`?\s*\|\s*(input(?:, optional)?|output)\s*\|"
                  r"\s*([A-Z0-9]+)\s*\|\s*`?(\[[^\]]*\])`?\s*\|")


@dataclass
class ModelInfo:
    name: str
    config: mc.ModelConfig
    variants: dict[str, mc.ModelConfig] = field(default_factory=dict)

    @property
    def is_ensemble(self) -> bool:
        return self.config.platform == "ensemble"

    @property
    def calls(self) -> list[str]:
        return calls(self.config)


def calls(config: mc.ModelConfig) -> list[str]:
    """The models a model needs loaded before it: an ensemble's steps, or the models a BLS
    (business-logic scripting) model names in its `calls` parameter."""
    if config.platform == "ensemble":
        return list(dict.fromkeys(step.model_name for step in config.ensemble_scheduling.step))
    listed = config.parameters["calls"].string_value if "calls" in config.parameters else ""
    return [name.strip() for name in listed.split(",") if name.strip()]


def dtype_name(data_type: int) -> str:
    return mc.DataType.Name(data_type).removeprefix("TYPE_")


def dims_text(dims) -> str:
    return "[" + ", ".join(str(d) for d in dims) + "]"


def parse_config(path: Path) -> mc.ModelConfig:
    config = mc.ModelConfig()
    text_format.Parse(path.read_text(), config)
    return config


def load_repository(repository: Path) -> tuple[dict[str, ModelInfo], list[str]]:
    """Every model folder's configs, and the problems found reading them."""
    models: dict[str, ModelInfo] = {}
    problems: list[str] = []
    for folder in sorted(p for p in repository.iterdir() if p.is_dir()):
        if not (folder / "config.pbtxt").exists():
            problems.append(f"{folder.name}: no config.pbtxt")
            continue
        variants = {}
        for variant in CONFIG_VARIANTS:
            path = folder / variant
            if not path.exists():
                continue
            try:
                variants[variant] = parse_config(path)
            except text_format.ParseError as exc:
                problems.append(f"{folder.name}/{variant}: {exc}")
        if "config.pbtxt" in variants:
            models[folder.name] = ModelInfo(folder.name, variants["config.pbtxt"], variants)
    return models, problems


def validate(repository: Path) -> list[str]:
    """All problems in the repository; an empty list means it is sound."""
    models, problems = load_repository(repository)
    readme = _readme_contract(repository / "README.md")
    for info in models.values():
        problems += [f"{info.name}: {p}" for p in _check_model(repository, info, models)]
        problems += [f"{info.name}: {p}" for p in _check_contract(info, readme.get(info.name))]
    return problems


def _check_model(repository: Path, info: ModelInfo, models: dict[str, ModelInfo]) -> list[str]:
    problems = []
    for variant, config in info.variants.items():
        if config.name != info.name:
            problems.append(f"{variant} names the model {config.name!r}, not its folder's name")
        if config.platform != "ensemble" and config.backend != "python":
            problems.append(f"{variant}: backend {config.backend!r}; only 'python' is served here")
    versions = [p for p in (repository / info.name).iterdir() if p.is_dir() and p.name.isdigit()]
    if not versions:
        problems.append("no version folder (1/)")
    if info.is_ensemble:
        problems += _check_ensemble(info, models)
        return problems
    for version in versions:
        if not (version / "model.py").exists():
            problems.append(f"{version.name}/model.py is missing")
    problems += [f"calls {name!r}, which is not in the repository" for name in info.calls if name not in models]
    config = info.config
    if config.max_batch_size > 0 and not config.HasField("dynamic_batching"):
        problems.append("batches (max_batch_size > 0) but has no dynamic_batching")
    if not config.instance_group or any(
        g.kind != mc.ModelInstanceGroup.KIND_CPU for g in config.instance_group
    ):
        problems.append("config.pbtxt must run on KIND_CPU instances (the GPU variant is configs/gpu.pbtxt)")
    gpu = info.variants.get("configs/gpu.pbtxt")
    if gpu is None:
        # A BLS model only routes tensors between the models it calls: CPU everywhere, like an ensemble.
        if not info.calls:
            problems.append("no GPU variant configs/gpu.pbtxt")
    else:
        if not gpu.instance_group or any(
            g.kind != mc.ModelInstanceGroup.KIND_GPU for g in gpu.instance_group
        ):
            problems.append("configs/gpu.pbtxt must use KIND_GPU instances")
        if _io(gpu) != _io(config):
            problems.append("configs/gpu.pbtxt tensors differ from config.pbtxt")
    return problems


def _io(config: mc.ModelConfig) -> list[tuple[str, str, int, str]]:
    """(kind, name, type, dims) of every tensor; kind as the README writes it: input, "input,
    optional" or output."""
    inputs = [("input, optional" if t.optional else "input", t) for t in config.input]
    return [(kind, t.name, t.data_type, dims_text(t.dims))
            for kind, t in [*inputs, *(("output", t) for t in config.output)]]


def _check_ensemble(info: ModelInfo, models: dict[str, ModelInfo]) -> list[str]:
    problems = []
    types = {t.name: t.data_type for t in info.config.input}  # tensor -> dtype, as produced
    for step in info.config.ensemble_scheduling.step:
        target = models.get(step.model_name)
        if target is None:
            problems.append(f"step {step.model_name!r} is not in the repository")
            continue
        inputs = {t.name: t.data_type for t in target.config.input}
        outputs = {t.name: t.data_type for t in target.config.output}
        for key, tensor in step.input_map.items():
            if key not in inputs:
                problems.append(f"step {step.model_name}: it has no input {key!r}")
            elif tensor not in types:
                problems.append(f"step {step.model_name}: {tensor!r} is used before it is produced")
            elif types[tensor] != inputs[key]:
                problems.append(f"step {step.model_name}: {tensor} is {dtype_name(types[tensor])}, "
                                f"input {key} wants {dtype_name(inputs[key])}")
        for key in set(inputs) - set(step.input_map):
            problems.append(f"step {step.model_name}: input {key!r} is not fed")
        for key, tensor in step.output_map.items():
            if key not in outputs:
                problems.append(f"step {step.model_name}: it has no output {key!r}")
            else:
                types[tensor] = outputs[key]
        if 0 < target.config.max_batch_size < info.config.max_batch_size:
            problems.append(f"max_batch_size {info.config.max_batch_size} exceeds "
                            f"{step.model_name}'s {target.config.max_batch_size}")
    for out in info.config.output:
        if out.name not in types:
            problems.append(f"output {out.name!r} is produced by no step")
        elif types[out.name] != out.data_type:
            problems.append(f"output {out.name} is declared {dtype_name(out.data_type)} "
                            f"but produced as {dtype_name(types[out.name])}")
    used = {t for step in info.config.ensemble_scheduling.step for t in step.input_map.values()}
    for inp in info.config.input:
        if inp.name not in used:
            problems.append(f"input {inp.name!r} is used by no step")
    return problems


def _readme_contract(readme: Path) -> dict[str, dict[str, tuple[str, str, str]]]:
    """{model: {tensor: (input|output, TYPE, dims)}} from README sections `### name`."""
    contract: dict[str, dict[str, tuple[str, str, str]]] = {}
    current = None
    if not readme.exists():
        return contract
    for line in readme.read_text().splitlines():
        heading = re.match(r"^#{2,4}\s+`?([a-z_]+)`?\s*$", line.strip())
        if heading:
            current = contract.setdefault(heading.group(1), {})
            continue
        row = _ROW.match(line.strip())
        if row and current is not None:
            name, kind, dtype, dims = row.groups()
            current[name] = (kind, dtype, dims.replace(" ", ""))
    return contract


def _check_contract(info: ModelInfo, documented: dict[str, tuple[str, str, str]] | None) -> list[str]:
    if documented is None:
        return ["not documented in model_repository/README.md"]
    problems = []
    actual = {name: (kind, dtype_name(dtype), dims.replace(" ", ""))
              for kind, name, dtype, dims in _io(info.config)}
    for name, spec in actual.items():
        if name not in documented:
            problems.append(f"tensor {name} is not in the README contract")
        elif documented[name] != spec:
            problems.append(f"tensor {name}: README says {documented[name]}, config says {spec}")
    for name in set(documented) - set(actual):
        problems.append(f"README documents {name}, which the config does not have")
    return problems
