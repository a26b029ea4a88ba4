'use strict';
// The s3 container's health check: the endpoint answers HTTP (403 without credentials is
// an answer). A script, because compose tools quote an inline `node -e` differently.
fetch(`http://127.0.0.1:${process.env.S3_PORT || 9000}/`, { signal: AbortSignal.timeout(2000) }).then(
  (res) => process.exit(res.status < 500 ? 0 : 1),
  () => process.exit(1),
);
