"""pose_estimator: IMAGES [N,H,W,3] uint8 -> KEYPOINTS [N,33,4] (MediaPipe Pose)."""

from catwalk.vision.pose import estimate_pose, new_pose_graph
from catwalk.vision.serving import BatchedModel, PerThread, check_image


class TritonPythonModel(BatchedModel):
    inputs = ("IMAGES",)

    def setup(self, params):
        self.graphs = PerThread(new_pose_graph)

    def check(self, arrays):
        check_image("IMAGES", arrays[0])

    def process(self, image):
        return {"KEYPOINTS": estimate_pose(self.graphs.get(), image)}
