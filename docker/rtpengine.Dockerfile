# Leadline media relay: rtpengine from Debian 12 (rtpengine-daemon), userspace only.
# --table=-1: no kernel module (containers cannot load it). Do not add --no-fallback:
# it makes rtpengine exit when the kernel module is missing.
# Recording: --recording-method=pcap writes one pcap per call into
# /var/spool/leadline/recordings/pcaps (a volume shared with the service, which turns
# them into WAV/compressed files and uploads them). --recording-method=proc needs the
# kernel module and produces nothing in userspace.
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends rtpengine-daemon \
 && rm -rf /var/lib/apt/lists/*
ENV RTPENGINE_INTERFACE=127.0.0.1 \
    RTPENGINE_NG=127.0.0.1:2223 \
    RTPENGINE_CLI=127.0.0.1:9900 \
    RTPENGINE_PORT_MIN=30000 \
    RTPENGINE_PORT_MAX=40000 \
    RTPENGINE_RECORDING_DIR=/var/spool/leadline/recordings
# shell form so the environment is expanded
CMD exec rtpengine --foreground --log-stderr --table=-1 \
      --interface="$RTPENGINE_INTERFACE" \
      --listen-ng="$RTPENGINE_NG" --listen-cli="$RTPENGINE_CLI" \
      --port-min="$RTPENGINE_PORT_MIN" --port-max="$RTPENGINE_PORT_MAX" \
      --recording-method=pcap --recording-dir="$RTPENGINE_RECORDING_DIR" \
      --delete-delay=0
