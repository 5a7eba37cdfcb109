"""face_analyzer: IMAGES [N,H,W,3] uint8 -> BOX, SCORE, LANDMARKS, ALIGNED_FACE per image."""

import numpy as np

from catwalk.vision.face import FaceAnalyzer
from catwalk.vision.serving import BatchedModel, PerThread, check_image


class TritonPythonModel(BatchedModel):
    inputs = ("IMAGES",)

    def setup(self, params):
        self.analyzers = PerThread(FaceAnalyzer)

    def check(self, arrays):
        check_image("IMAGES", arrays[0])

    def process(self, image):
        face = self.analyzers.get().analyse(image)
        return {
            "BOX": face.box,
            "SCORE": np.array([face.score], np.float32),
            "LANDMARKS": face.landmarks,
            "ALIGNED_FACE": face.chip,
        }
