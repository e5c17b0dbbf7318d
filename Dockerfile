# The workbench in a container. System packages and the virtual environment are installed by
# scripts/dev.sh, the same script CI runs, so the image and CI cannot drift apart.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OMP_THREAD_LIMIT=1 \
    PATH="/opt/workbench/.venv/bin:${PATH}"

WORKDIR /opt/workbench
COPY . /opt/workbench
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN bash scripts/dev.sh install \
    && rm -rf /var/lib/apt/lists/* /root/.cache \
    && useradd --create-home --uid 10001 workbench \
    && mkdir -p /data \
    && chown workbench:workbench /data

USER 10001
VOLUME ["/data"]
# The main job: every sample document checked, reports written under /data/samples.
CMD ["bash", "-c", "workbench check samples/*.png samples/*.jpg --out /data/samples"]
