import { defineConfig } from 'vitest/config';

// Two files at a time even on 2 cores (vitest's default there is one): the end-to-end
// files spend most of their time waiting on ring timers and phones, and each owns its
// ports, Redis prefix and PostgreSQL schema, so they run side by side.
export default defineConfig({ test: { include: ['tests/**/*.test.ts'], testTimeout: 30000, hookTimeout: 60000, pool: 'forks', maxWorkers: 2 } });
