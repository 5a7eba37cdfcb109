"""person_segmenter: IMAGES [N,H,W,3] uint8 -> MASK [N,H,W] uint8 (MediaPipe Selfie Segmentation)."""

from catwalk.vision.segmentation import new_segmentation_graph, segment_person
from catwalk.vision.serving import BatchedModel, PerThread, check_image


class TritonPythonModel(BatchedModel):
    inputs = ("IMAGES",)

    def setup(self, params):
        self.graphs = PerThread(new_segmentation_graph)

    def check(self, arrays):
        check_image("IMAGES", arrays[0])

    def process(self, image):
        return {"MASK": segment_person(self.graphs.get(), image)}
