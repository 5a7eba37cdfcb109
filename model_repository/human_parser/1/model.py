"""human_parser: IMAGES, KEYPOINTS, MASK -> PARSE [N,H,W] uint8 part labels."""

from catwalk.vision.human_parsing import parse_human
from catwalk.vision.serving import BatchedModel, check_image


class TritonPythonModel(BatchedModel):
    inputs = ("IMAGES", "KEYPOINTS", "MASK")

    def check(self, arrays):
        check_image("IMAGES", arrays[0])

    def process(self, image, keypoints, mask):
        return {"PARSE": parse_human(image, keypoints, mask)}
