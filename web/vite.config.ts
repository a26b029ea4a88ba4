import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The supervisor console: Preact pages built into web/dist, which the service serves at /.
 * `npm run dev:web` proxies /api to a running service on :8080 while editing the pages.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Two pages: the console, and the phone alone (/phone, the CRM widget).
    rollupOptions: { input: { main: fileURLToPath(new URL('index.html', import.meta.url)), phone: fileURLToPath(new URL('phone.html', import.meta.url)) } },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
