# Leadline SIP edge: Kamailio 5.6 from Debian 12.
# The configuration is NOT baked in: the Leadline service renders it from
# config/kamailio.cfg.tpl into the run directory both containers share, and this
# container waits for that file (see kamailio-entrypoint.sh). Its health is the
# service's /readyz, which needs the evapi connection to this Kamailio.
ARG BASE_IMAGE=localhost/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      kamailio kamailio-json-modules kamailio-utils-modules kamailio-extra-modules \
      kamailio-websocket-modules kamailio-autheph-modules kamailio-postgres-modules kamailio-tls-modules \
 && rm -rf /var/lib/apt/lists/*
COPY docker/kamailio-entrypoint.sh /usr/local/bin/kamailio-entrypoint.sh
# /var/run/leadline belongs to the service's uid: a volume first mounted here takes it.
RUN chmod 0755 /usr/local/bin/kamailio-entrypoint.sh && mkdir -p /var/run/kamailio /var/run/leadline \
 && chown 10001:10001 /var/run/leadline
ENV KAMAILIO_CFG=/var/run/leadline/kamailio.cfg \
    KAMAILIO_SHM_MB=1024 \
    KAMAILIO_PKG_MB=8
ENTRYPOINT ["/usr/local/bin/kamailio-entrypoint.sh"]
