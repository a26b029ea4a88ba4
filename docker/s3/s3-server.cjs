'use strict';
// An S3 endpoint for a single-host Leadline stack: s3rver (the server the tests use)
// with its objects on the /data volume and the credentials given in the environment
// instead of its built-in S3RVER/S3RVER pair.
//   S3_ACCESS_KEY, S3_SECRET_KEY or S3_SECRET_KEY_FILE, S3_ADDRESS (127.0.0.1), S3_PORT (9000)
// Limits (DESIGN.md): no multipart upload (Leadline uploads with a known size, a single
// PUT), no server-side checksum (Leadline checks the etag), one process, no replication:
// for durable storage across machines point recordings.storage at MinIO or a cloud S3.
const { readFileSync } = require('node:fs');
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');

function secret() {
  const file = process.env.S3_SECRET_KEY_FILE;
  const value = file ? readFileSync(file, 'utf8').replace(/\r?\n$/, '') : process.env.S3_SECRET_KEY;
  if (!value || value.length < 16) {
    console.error('s3: set S3_SECRET_KEY or S3_SECRET_KEY_FILE (at least 16 characters)');
    process.exit(1);
  }
  return value;
}

const accessKey = process.env.S3_ACCESS_KEY || 'leadline';
AWSAccount.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
AWSAccount.DUMMY_ACCOUNT.createKeyPair(accessKey, secret());

const server = new S3rver({
  address: process.env.S3_ADDRESS || '127.0.0.1',
  port: Number(process.env.S3_PORT || 9000),
  directory: '/data',
  silent: true,
});
server.run().then(
  ({ address, port }) => console.log(`s3: listening on ${address}:${port}, objects in /data, access key ${accessKey}`),
  (err) => {
    console.error(`s3: cannot start: ${err.message}`);
    process.exit(1);
  },
);
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close().then(() => process.exit(0)));
