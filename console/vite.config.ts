import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into ../dist/console, which `stepwright server` serves at `/` (src/api/console/static-files.ts).
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.resolve(import.meta.dirname, '../dist/console'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 3000,
    reportCompressedSize: false,
  },
  server: {
    // `npx vite console` during development: the API runs on `npm start`'s port.
    proxy: { '^/$': { target: 'http://127.0.0.1:8083', bypass: (req) => (req.method === 'GET' ? req.url : undefined) }, '/console/api': 'http://127.0.0.1:8083' },
  },
});
