"""`python -m services.common.healthcheck HOST:PORT [SERVICE]`: exit 0 when the gRPC health
check answers SERVING, 1 otherwise (a container health check; no grpc_health_probe needed)."""

from __future__ import annotations

import sys

from catwalk.stack.services import health_check


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print("usage: python -m services.common.healthcheck HOST:PORT [SERVICE]", file=sys.stderr)
        return 2
    serving, status = health_check(argv[0], argv[1] if len(argv) > 1 else "")
    print(status)
    return 0 if serving else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
