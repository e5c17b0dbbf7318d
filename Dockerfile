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
ENV WORKBENCH_STORE=/data/store
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=300s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
# The main job: the review app, with the samples analysed into the store on first start.
# Inside a container the app must listen beyond loopback to be reachable through -p 8501:8501.
CMD ["workbench", "app", "--samples", "samples", "--port", "8501", "--address", "0.0.0.0"]
