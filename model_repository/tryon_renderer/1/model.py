"""tryon_renderer: a clip (FRAMES, PARSE, KEYPOINTS) + one garment [+ CONTEXT] -> DRESSED, GARMENT_MASKS,
GARMENT_TRACKS."""

from catwalk.vision.serving import BatchedModel
from catwalk.vision.tryon import try_on


class TritonPythonModel(BatchedModel):
    inputs = ("FRAMES", "PARSE", "KEYPOINTS", "GARMENT_IMAGE", "GARMENT_MASK", "GARMENT_LANDMARKS",
              "GARMENT_SILHOUETTE", "CONTEXT")

    def process(self, frames, parse, keypoints, garment_image, garment_mask, landmarks, silhouette, context):
        result = try_on(frames, parse, keypoints, garment_image, garment_mask, landmarks, int(silhouette[0]),
                        context=(0, 0) if context is None else context, device=self.device)
        return {"DRESSED": result.frames, "GARMENT_MASKS": result.mask, "GARMENT_TRACKS": result.landmarks}
