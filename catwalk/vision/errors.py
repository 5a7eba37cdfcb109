"""Errors the vision functions raise for input they cannot work with.

`model.py` turns each into a `TritonError` for that request alone, so one bad request
never fails the others batched with it.
"""


class VisionInputError(ValueError):
    """The input tensor is unusable (wrong shape, dtype, size); names the tensor at fault."""

    def __init__(self, tensor: str, problem: str) -> None:
        super().__init__(f"{tensor}: {problem}")
        self.tensor = tensor
        self.problem = problem


class NothingFound(ValueError):
    """The input is well formed but holds nothing to analyse (no garment, no face)."""
