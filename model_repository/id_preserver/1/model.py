"""id_preserver: FRAMES + REFERENCE_IMAGE + REFERENCE_LANDMARKS -> FRAMES_OUT."""

from catwalk.vision.face import FaceAnalyzer
from catwalk.vision.id_preserve import id_preserve
from catwalk.vision.serving import BatchedModel, PerThread


class TritonPythonModel(BatchedModel):
    inputs = ("FRAMES", "REFERENCE_IMAGE", "REFERENCE_LANDMARKS")

    def setup(self, params):
        self.analyzers = PerThread(FaceAnalyzer)

    def process(self, frames, reference_image, reference_landmarks):
        return {"FRAMES_OUT": id_preserve(frames, reference_image, reference_landmarks,
                                          analyzer=self.analyzers.get())}
