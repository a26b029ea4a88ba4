# Leadline SIP edge: Kamailio 5.6 from Debian 12.
# The configuration is NOT baked in: the Leadline service renders it from
# config/kamailio.cfg.tpl into the shared volume mounted at /etc/leadline/kamailio,
# and this container waits for that file (see kamailio-entrypoint.sh).
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      kamailio kamailio-json-modules kamailio-utils-modules kamailio-extra-modules \
 && rm -rf /var/lib/apt/lists/*
COPY docker/kamailio-entrypoint.sh /usr/local/bin/kamailio-entrypoint.sh
RUN chmod 0755 /usr/local/bin/kamailio-entrypoint.sh && mkdir -p /var/run/kamailio
ENV KAMAILIO_CFG=/etc/leadline/kamailio/kamailio.cfg \
    KAMAILIO_SHM_MB=1024 \
    KAMAILIO_PKG_MB=8
ENTRYPOINT ["/usr/local/bin/kamailio-entrypoint.sh"]
