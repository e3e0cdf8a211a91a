// Bundles the CLI into dist/bundle/ with esbuild (run by `npm run build` after tsc; DEVELOPERS.md).
// One process start then loads a handful of files instead of ~150 modules, and zod's unused
// locales are left out. Code splitting keeps each command's module lazy (src/cli/main.ts).
// Entry points: the CLI, and every module a worker thread starts from (the hash worker, which
// artifacts.ts finds next to itself, and the two pools that start workers from their own URL).
// Packages that read their own files by path, load native or wasm code, or are large and used by
// one command only (fastify, pg, PGlite, playwright-core, docx, CycloneDX, ...) stay external
// and load from node_modules as before; so does `yaml`, imported only for positioned issues.
import { build } from 'esbuild'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT = 'dist/bundle'

/** The packages bundled (pure JavaScript, loaded at start-up or by the common commands). */
const BUNDLED = [
  'zod',
  'commander',
  'fastest-levenshtein',
  'jose',
  '@sd-jwt/core',
  '@sd-jwt/crypto-nodejs',
  '@sd-jwt/decode',
  '@sd-jwt/jwt-status-list',
  '@sd-jwt/present',
  '@sd-jwt/sd-jwt-vc',
  '@sd-jwt/types',
  '@sd-jwt/utils',
]

/** The package name of a bare import specifier (`@scope/name/sub` -> `@scope/name`). */
function packageName(specifier) {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** Every bare import is external unless its package is in BUNDLED. */
const externals = {
  name: 'accord-externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { path: args.path, external: true }
      return BUNDLED.includes(packageName(args.path))
        ? undefined
        : { path: args.path, external: true }
    })
  },
}

rmSync(new URL(`../${OUT}`, import.meta.url), { recursive: true, force: true })
await build({
  absWorkingDir: ROOT,
  entryPoints: [
    'src/cli/main.ts',
    'src/node/hash-worker.ts',
    'src/node/verify-batch.ts',
    'src/server/publish-pool.ts',
  ],
  // Flat: every file of the bundle is in dist/bundle/, so `./hash-worker.js` next to a chunk exists.
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // CommonJS packages bundled (commander) require Node's built-ins: give the ESM chunks `require`.
  banner: {
    js: "import { createRequire as __accordCreateRequire } from 'node:module'; const require = __accordCreateRequire(import.meta.url);",
  },
  plugins: [externals],
})
