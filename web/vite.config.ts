import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The supervisor console: Preact pages built into web/dist, which the service serves at /.
 * `npm run dev:web` proxies /api to a running service on :8080 while editing the pages.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
