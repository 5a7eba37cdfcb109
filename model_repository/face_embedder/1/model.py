"""face_embedder: FACES [N,150,150,3] uint8 -> EMBEDDING [N,128] float32 (dlib ResNet)."""

from catwalk.vision.face import FaceEmbedder
from catwalk.vision.serving import BatchedModel, PerThread


class TritonPythonModel(BatchedModel):
    inputs = ("FACES",)

    def setup(self, params):
        self.embedders = PerThread(FaceEmbedder)

    def process(self, chip):
        return {"EMBEDDING": self.embedders.get().embed(chip)}
