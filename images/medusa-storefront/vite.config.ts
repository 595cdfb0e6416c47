import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// Relative asset URLs: the build works under any host and path.
export default defineConfig({
  base: './',
  plugins: [preact()],
  build: { target: 'es2022', sourcemap: false },
});
