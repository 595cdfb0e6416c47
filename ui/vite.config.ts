// Vite builds the dashboard from ui/ into ui/dist; the API serves that folder.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './', // relative asset URLs: the API may mount the dashboard under any path
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    host: '127.0.0.1',
    // `npx vite --config ui/vite.config.ts` proxies API calls to a local `storefleet serve`.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
