"""tryon_video: FRAMES + GARMENT_PHOTO -> person_analysis -> tryon_video_tracks (BLS).

person_analysis batches frames and the try-on batches clips, so an ensemble cannot join
them: this model sends a clip's frames to person_analysis in chunks, all at once (they
batch there with other jobs' chunks), then the clip and its tracks to tryon_video_tracks.
`execute` is async, so concurrent requests overlap instead of queueing behind each other.
"""

import asyncio
import json
import re

import numpy as np
import triton_python_backend_utils as pb_utils

TRYON_OUTPUTS = ("DRESSED", "GARMENT_MASKS", "GARMENT_TRACKS")

# Triton 2.51's BLS hands every error back as INTERNAL (triton-inference-server/server#7804).
# Our models refuse bad input as "TENSOR: why" (catwalk.vision.errors), so that form is
# mapped back to INVALID_ARG; any code other than INTERNAL is kept as it came.
_INPUT_ERROR = re.compile(r"^(in ensemble '[a-z_]+', )?[A-Z][A-Z0-9_]*: ")


class StepFailed(Exception):
    def __init__(self, error):
        super().__init__(error.message())
        self.error = error


class TritonPythonModel:
    def initialize(self, args):
        config = json.loads(args["model_config"])
        params = {k: v["string_value"] for k, v in config.get("parameters", {}).items()}
        self.chunk = int(params.get("analysis_chunk", "8"))

    async def execute(self, requests):
        return list(await asyncio.gather(*(self._respond(r) for r in requests)))

    async def _respond(self, request):
        frames = pb_utils.get_input_tensor_by_name(request, "FRAMES").as_numpy()
        photos = pb_utils.get_input_tensor_by_name(request, "GARMENT_PHOTO").as_numpy()
        context = pb_utils.get_input_tensor_by_name(request, "CONTEXT")  # optional
        contexts = [None] * len(frames) if context is None else list(context.as_numpy())
        try:
            clips = await asyncio.gather(*(self._clip(f, p, c)
                                           for f, p, c in zip(frames, photos, contexts, strict=True)))
        except StepFailed as exc:
            return pb_utils.InferenceResponse(error=exc.error)
        return pb_utils.InferenceResponse(output_tensors=[
            pb_utils.Tensor(name, np.stack([clip[name] for clip in clips]))
            for name in (*TRYON_OUTPUTS, "KEYPOINTS")
        ])

    async def _clip(self, frames, photo, context):
        if frames.shape[0] == 0:
            raise StepFailed(pb_utils.TritonError("FRAMES: the clip has no frames", pb_utils.TritonError.INVALID_ARG))
        chunks = [frames[i:i + self.chunk] for i in range(0, len(frames), self.chunk)]
        # All three outputs: asking person_analysis for fewer makes Triton prune the step whose
        # output also feeds human_parser, and the ensemble then stalls ("unexpected deadlock").
        analyses = await asyncio.gather(
            *(_call("person_analysis", {"IMAGES": c}, ("KEYPOINTS", "MASK", "PARSE")) for c in chunks))
        keypoints = np.concatenate([a["KEYPOINTS"] for a in analyses])
        parse = np.concatenate([a["PARSE"] for a in analyses])
        inputs = {"FRAMES": frames[None], "PARSE": parse[None], "KEYPOINTS": keypoints[None],
                  "GARMENT_PHOTO": photo[None]}
        if context is not None:  # the renderer checks it, and returns the frames between
            inputs["CONTEXT"] = np.asarray(context, np.int32)[None]
        dressed = await _call("tryon_video_tracks", inputs, TRYON_OUTPUTS)
        before = 0 if context is None else int(context[0])
        shown = keypoints[before:before + dressed["DRESSED"].shape[1]]  # the pose of the frames returned
        return {**{name: dressed[name][0] for name in TRYON_OUTPUTS}, "KEYPOINTS": shown}


async def _call(model, inputs, outputs):
    """One BLS request; a failure keeps its status code and names the model it came from."""
    request = pb_utils.InferenceRequest(
        model_name=model, requested_output_names=list(outputs),
        inputs=[pb_utils.Tensor(name, np.ascontiguousarray(array)) for name, array in inputs.items()])
    response = await request.async_exec()
    if response.has_error():
        error = response.error()
        code = error.code()
        if code == pb_utils.TritonError.INTERNAL and _INPUT_ERROR.match(error.message()):
            code = pb_utils.TritonError.INVALID_ARG
        raise StepFailed(pb_utils.TritonError(f"{model}: {error.message()}", code))
    return {name: _numpy(pb_utils.get_output_tensor_by_name(response, name)) for name in outputs}


def _numpy(tensor):
    if tensor.is_cpu():
        return tensor.as_numpy()
    import torch  # a GPU server's models may answer in device memory

    return torch.from_dlpack(tensor.to_dlpack()).cpu().numpy()
