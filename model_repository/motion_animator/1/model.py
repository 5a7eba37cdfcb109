"""motion_animator: REFERENCE_IMAGE/KEYPOINTS/PARSE + TARGET_KEYPOINTS -> FRAMES, MASKS."""

import torch

from catwalk.vision.animate import animate
from catwalk.vision.serving import BatchedModel


class TritonPythonModel(BatchedModel):
    inputs = ("REFERENCE_IMAGE", "REFERENCE_KEYPOINTS", "REFERENCE_PARSE", "TARGET_KEYPOINTS")

    def setup(self, params):
        gpu = self.instance_kind == "GPU" and torch.cuda.is_available()
        self.device = f"cuda:{self.device_id}" if gpu else "cpu"

    def process(self, image, keypoints, parse, targets):
        animation = animate(image, keypoints, parse, targets, device=self.device)
        return {"FRAMES": animation.frames, "MASKS": animation.masks}
