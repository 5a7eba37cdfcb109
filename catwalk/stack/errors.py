"""Errors of the local stack."""


class StackError(RuntimeError):
    """A component failed to start, answer or stop; names the component at fault."""

    def __init__(self, component: str, message: str) -> None:
        super().__init__(f"{component}: {message}")
        self.component = component
        self.message = message
