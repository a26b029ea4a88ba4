'use strict';
// The leadline container's health check: GET /readyz (Redis, PostgreSQL, Kamailio, the
// workers) answers 200. LEADLINE_HEALTH_URL when http.port is not 8080. A script, because
// compose tools quote an inline `node -e` differently.
fetch(process.env.LEADLINE_HEALTH_URL || 'http://127.0.0.1:8080/readyz', { signal: AbortSignal.timeout(2500) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
