# Leadline media relay: rtpengine from Debian 12 (rtpengine-daemon), userspace only,
# and rtpengine-utils for rtpengine-ctl (the health check).
# --table=-1: no kernel module (containers cannot load it). Do not add --no-fallback:
# it makes rtpengine exit when the kernel module is missing.
# Recording: --recording-method=pcap writes one pcap per call into
# $RTPENGINE_RECORDING_DIR/pcaps (a volume shared with the service, which turns them
# into compressed files, uploads them and removes them). It runs as uid 10001, the
# service's user, so the service may remove what rtpengine wrote.
ARG BASE_IMAGE=localhost/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends rtpengine-daemon rtpengine-utils \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 leadline \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin leadline \
 && mkdir -p /var/spool/leadline/recordings && chown 10001:10001 /var/spool/leadline/recordings
ENV RTPENGINE_INTERFACE=127.0.0.1 \
    RTPENGINE_NG=127.0.0.1:2223 \
    RTPENGINE_DTMF_DEST=127.0.0.1:2224 \
    RTPENGINE_CLI=127.0.0.1:9900 \
    RTPENGINE_PORT_MIN=30000 \
    RTPENGINE_PORT_MAX=40000 \
    RTPENGINE_RECORDING_DIR=/var/spool/leadline/recordings
USER 10001:10001
# umask 007: the service (same group) reads and removes the pcaps; nobody else reads them.
CMD umask 007 && exec rtpengine --foreground --log-stderr --table=-1 \
      --interface="$RTPENGINE_INTERFACE" \
      --listen-ng="$RTPENGINE_NG" --listen-cli="$RTPENGINE_CLI" \
      --dtmf-log-dest="$RTPENGINE_DTMF_DEST" \
      --port-min="$RTPENGINE_PORT_MIN" --port-max="$RTPENGINE_PORT_MAX" \
      --recording-method=pcap --recording-dir="$RTPENGINE_RECORDING_DIR" \
      --delete-delay=0
