"""garment_segmenter: IMAGES [N,H,W,3] -> MASK, LANDMARKS, SILHOUETTE, SILHOUETTE_SCORES."""

import numpy as np

from catwalk.vision.garment import analyse_garment
from catwalk.vision.serving import BatchedModel, check_image


class TritonPythonModel(BatchedModel):
    inputs = ("IMAGES",)

    def check(self, arrays):
        check_image("IMAGES", arrays[0])

    def process(self, image):
        garment = analyse_garment(image)
        return {
            "MASK": garment.mask * np.uint8(255),
            "LANDMARKS": garment.landmarks,
            "SILHOUETTE": np.array([int(garment.silhouette)], np.int32),
            "SILHOUETTE_SCORES": garment.silhouette_scores,
        }
