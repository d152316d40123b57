import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

// electron-vite's ESM shim puts `const require = __shims_module__.createRequire(import.meta.url)` at
// the top of the main bundle whenever it sees `require(`. Core modules that load CJS-only packages
// declare their own module-level `const require = createRequire(import.meta.url)`; bundled together,
// the first of those keeps the name and clashes with the shim ("Identifier 'require' has already
// been declared"): the main process would not even start. The chunk's own binding is the very same
// function, so the shim's line is dropped when the chunk already declares one. Runs after the shim
// (both are 'post'; user plugins come after electron-vite's own).
const SHIM_REQUIRE = 'const require = __shims_module__.createRequire(import.meta.url);';
function noDuplicateRequireShim(): Plugin {
  return {
    name: 'orchard:no-duplicate-require-shim',
    apply: 'build',
    enforce: 'post',
    renderChunk(code) {
      if (!code.includes(SHIM_REQUIRE)) return null;
      const rest = code.replace(SHIM_REQUIRE, '');
      if (!/^(?:var|let|const) require\s*=/m.test(rest)) return null;
      return { code: rest, map: null };
    },
  };
}

// main and preload run in Electron; the renderer is also served by `orchard web` (browser mode).
export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin(), noDuplicateRequireShim()],
    build: { rollupOptions: { input: { index: resolve('src/main/index.ts') } } },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    // Sandboxed preloads cannot be ESM: build as CommonJS.
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [react()],
    build: { rollupOptions: { input: { index: resolve('src/renderer/index.html') } } },
  },
});
