// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'out/**', 'bench/tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The web UI's scripts run in the browser.
    files: ['src/web/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The core is pure: no file system, network, environment or wall clock.
    // Adapters (src/node, src/cli) do I/O and pass results in.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'child_process', 'http', 'https', 'net'],
              message: 'src/core must not do I/O; put it in src/node and pass data in.',
            },
            {
              group: ['**/node/**', '**/cli/**', '**/server/**'],
              message: 'imports go one way: cli -> server -> node -> core.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/core must not read the environment; pass options in.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'inject the date (asOf) instead.' },
        { object: 'Math', property: 'random', message: 'core output must be deterministic.' },
      ],
    },
  },
  {
    files: ['src/node/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/cli/**', '**/server/**'],
              message: 'imports go one way: cli -> server -> node -> core.',
            },
          ],
        },
      ],
    },
  },
  {
    // The server is an adapter over src/node and src/core; the CLI starts it, never the reverse.
    files: ['src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/cli/**'], message: 'imports go one way: cli -> server -> node -> core.' },
          ],
        },
      ],
    },
  },
)
