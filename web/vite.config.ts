import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The page of `kgd serve`: built into dist/web, which the npm package ships and the server reads.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
});
