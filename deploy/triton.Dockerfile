# Triton for production: NVIDIA's image (Python backend included) plus what our Python-backend
# models import (requirements/models.lock: mediapipe, dlib, torch, OpenCV). The image's
# Python runs the stubs, so the packages go into it; torch from PyPI is the CUDA build.
# tritonserver 2.51 = NGC 24.10, the release the local stack runs (nvidia-pytriton 0.7.0).
FROM nvcr.io/nvidia/tritonserver:24.10-py3
COPY requirements/models.lock /tmp/models.lock
RUN grep -v '^mediapipe' /tmp/models.lock > /tmp/models.nomp.lock \
 && pip install --no-cache-dir -r /tmp/models.nomp.lock \
 && pip install --no-cache-dir --no-deps mediapipe==0.10.21
COPY catwalk /opt/catwalk/catwalk
# The backend stub ignores PYTHONPATH; a .pth file puts our model code on its path.
RUN echo /opt/catwalk > "$(python3 -c 'import site; print(site.getsitepackages()[0])')/catwalk.pth"
