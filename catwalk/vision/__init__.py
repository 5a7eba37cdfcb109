"""Pure model code behind the Triton models (numpy, OpenCV, torch, MediaPipe, dlib).

Each `model_repository/<name>/1/model.py` decodes tensors, calls a function here and
encodes the result; unit tests import these modules directly (in the models' venv).
"""
