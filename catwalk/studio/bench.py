"""Studio benchmark: mannequin frames per second at 720x1280 on one core.

    python -m catwalk.studio.bench [--frames 60] [--width 720] [--height 1280] [--motions idle,walk]

Prints, per motion, the pose solve and the full render (pose + backdrop view + shading +
truth maps) in frames/s. OpenCV is held to one thread while it runs (numpy's element-wise
work is single-threaded anyway), so the figure is per core; run one process per core to scale.
"""

from __future__ import annotations

import argparse
import time

import cv2

from catwalk.studio.mannequin import render_clip
from catwalk.studio.motion import pose_sequence

DEFAULT_MOTIONS = ("idle", "walk", "turn", "arms_raise", "sit_down", "detail_closeup")


def measure(motion: str, frames: int, width: int, height: int, fps: float = 30.0) -> tuple[float, float]:
    """(pose frames/s, rendered frames/s) for `frames` frames of `motion`."""
    seconds = frames / fps
    next(render_clip(motion, 1 / fps, fps, width=width, height=height))  # warm the caches
    start = time.perf_counter()
    count = sum(1 for _ in pose_sequence(motion, seconds, fps, aspect=width / height))
    pose_fps = count / (time.perf_counter() - start)
    start = time.perf_counter()
    count = sum(1 for _ in render_clip(motion, seconds, fps, width=width, height=height))
    return pose_fps, count / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--width", type=int, default=720)
    parser.add_argument("--height", type=int, default=1280)
    parser.add_argument("--motions", default=",".join(DEFAULT_MOTIONS))
    args = parser.parse_args(argv)
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        print(f"studio mannequin at {args.width}x{args.height}, {args.frames} frames, one core")
        print(f"{'motion':18s} {'pose fps':>9s} {'render fps':>11s}")
        for motion in args.motions.split(","):
            pose_fps, render_fps = measure(motion, args.frames, args.width, args.height)
            print(f"{motion:18s} {pose_fps:9.0f} {render_fps:11.1f}")
    finally:
        cv2.setNumThreads(threads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
