// Layer rules (docs/ARCHITECTURE.md): shared → nothing; core → shared + Node; main/cli → core + shared
// (+ electron in main only); preload → shared + electron; renderer → shared (types) only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (name, forbidden, extra = []) => ({
  name: `layers/${name}`,
  files: [`src/${name}/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...forbidden.map((dir) => ({
            group: [`**/${dir}/**`, `**/${dir}`],
            message: `src/${name} must not import from src/${dir} (see the layer rules in docs/ARCHITECTURE.md).`,
          })),
          ...extra,
        ],
      },
    ],
  },
});

const noElectron = {
  group: ['electron', 'electron/*'],
  message: 'Only src/main and src/preload may import electron.',
};
const noNode = { group: ['node:*'], message: 'This layer runs in the browser/renderer: no Node modules.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'bench/results/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  layer(
    'shared',
    ['core', 'main', 'preload', 'renderer', 'cli'],
    [noElectron, noNode, { regex: '^(?!\\./)', message: 'src/shared imports nothing outside itself.' }],
  ),
  // A folder directly under src/shared (src/shared/api/) may also reach its parent (../x.ts), which is
  // still src/shared; ../../ is outside. Same rule otherwise (this block replaces the one above there).
  {
    ...layer(
      'shared',
      ['core', 'main', 'preload', 'renderer', 'cli'],
      [
        noElectron,
        noNode,
        { regex: '^(?!\\./|\\.\\./(?!\\.\\.))', message: 'src/shared imports nothing outside itself.' },
      ],
    ),
    name: 'layers/shared-subfolders',
    files: ['src/shared/*/*.{ts,tsx}'],
  },
  layer('core', ['main', 'preload', 'renderer', 'cli'], [noElectron]),
  layer('cli', ['main', 'preload', 'renderer'], [noElectron]),
  layer('main', ['preload', 'renderer', 'cli']),
  layer('preload', ['core', 'main', 'renderer', 'cli'], [noNode]),
  layer('renderer', ['core', 'main', 'preload', 'cli'], [noElectron, noNode]),
);
