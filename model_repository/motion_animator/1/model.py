"""motion_animator: REFERENCE_IMAGE/KEYPOINTS/PARSE + TARGET_KEYPOINTS -> FRAMES, MASKS."""

from catwalk.vision.animate import animate
from catwalk.vision.serving import BatchedModel


class TritonPythonModel(BatchedModel):
    inputs = ("REFERENCE_IMAGE", "REFERENCE_KEYPOINTS", "REFERENCE_PARSE", "TARGET_KEYPOINTS")

    def process(self, image, keypoints, parse, targets):
        animation = animate(image, keypoints, parse, targets, device=self.device)
        return {"FRAMES": animation.frames, "MASKS": animation.masks}
