import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Command } from 'commander'
import { legacySentences } from '../../core/classify/rules/legacy.js'
import { ConfigError, EXIT } from '../../core/errors.js'
import { apiUrl, statusListPath } from '../../core/tlog/api.js'
import { assessLoaded, classifyLoaded, loadSystem, writeDocuments } from '../../node/pipeline.js'
import { packageRoot } from '../../node/paths.js'
import { generateKeyPair, keyPairPaths, writeKeyPair, fileSigner } from '../../node/keys.js'
import { issueFromManifest } from '../../node/passport.js'
import { writeFileAtomic } from '../../node/fs-safe.js'
import { VERSION } from '../version.js'
import { printJson, progress, resolveAsOf, type Ctx, warnOnStderr } from '../common.js'
import { putStatusList, registryOf } from '../registry-client.js'
import { publishToRegistry } from './publish.js'
import { parsePort, startServer } from './serve.js'

interface DemoOptions {
  example: string
  out: string
  asOf?: string
  serve: boolean
  port?: string
  host: string
  json?: boolean
}

/**
 * The main job on a bundled example: classify, assess, generate documents, issue a passport,
 * publish it to an embedded registry (PGlite under the output folder) and serve the web UI.
 */
export function registerDemo(program: Command, ctx: Ctx): void {
  program
    .command('demo')
    .description(
      'run the whole path on a bundled example: classify, assess, documents, passport, registry and web UI',
    )
    .option('--example <name>', 'examples/<name>/accord.yaml', 'police-analytics')
    .option('-o, --out <dir>', 'output directory', 'out')
    .option('--as-of <date>', 'evaluate the law as of this date (YYYY-MM-DD); default: today')
    .option('--no-serve', 'stop after publishing instead of serving the web UI')
    .option(
      '--port <port>',
      'port of the registry and web UI (default 8080, or a free port when 8080 is in use; with --no-serve, any free port)',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (opts: DemoOptions) => {
      const asOf = resolveAsOf(opts.asOf, ctx.io)
      const manifestPath = path.join(packageRoot(), 'examples', opts.example, 'accord.yaml')
      if (!existsSync(manifestPath)) {
        throw new ConfigError({
          code: 'ERR_CONFIG_BAD_ARGS',
          message: `--example "${opts.example}": no examples/${opts.example}/accord.yaml (try police-analytics, border-biometrics or public-chatbot)`,
        })
      }
      // Without --no-serve the user opens the UI at a port worth knowing. With it, nothing outside
      // the demo talks to the registry, so any free port will do and a busy 8080 does not matter.
      const port = parsePort(opts.port ?? (opts.serve ? '8080' : '0'))
      const out = path.resolve(opts.out)
      const docsDir = path.join(out, opts.example)
      const say = (s: string) => {
        if (!opts.json) ctx.io.out(s + '\n')
      }
      say(`Accord ${VERSION}: demo on examples/${opts.example} as of ${asOf}`)

      // The registry starts before anything is written: a --port that is taken fails at once,
      // not after the documents (and the passport can name where its status list is served).
      const dataDir = path.join(out, 'registry')
      const serverAt = (p: number) =>
        startServer({
          port: p,
          host: opts.host,
          dataDir,
          // Always the embedded registry, even where DATABASE_URL points at a PostgreSQL server.
          env: {},
          logLevel: 'silent',
        })
      // The default port may be taken by another program; the demo then takes a free one and
      // says so (its address is printed below). A port the user chose is kept: that fails.
      const server = await serverAt(port).catch((err: unknown) => {
        if (opts.port !== undefined || !portInUse(err)) throw err
        ctx.io.err(
          `note: port ${port} is in use; the registry takes a free port instead (--port chooses one)\n`,
        )
        return serverAt(0)
      })
      try {
        say(`1/5 classify  ${path.relative(process.cwd(), manifestPath)}`)
        const system = await loadSystem(manifestPath, { onWarnings: warnOnStderr(ctx.io) })
        const classification = classifyLoaded(system, asOf)
        const eu = classification.euAiAct
        say(
          `    EU AI Act: ${eu.category} (${eu.citations.join(', ')}); ${eu.obligations.length} ${eu.obligations.length === 1 ? 'obligation' : 'obligations'} in force, ${eu.upcoming.length} upcoming under "${eu.lawVersion.title}"`,
        )
        for (const sentence of legacySentences(eu.legacy, eu.asOf)) say(`    ${sentence}`)

        say('2/5 assess    hashing evidence and checking every obligation')
        const bar = progress(ctx.io, '    hashing', !opts.json)
        const assessment = await assessLoaded(system, classification, {
          asOf,
          onProgress: bar.update,
        })
        for (const f of assessment.frameworks) {
          say(
            `    ${f.name}: ${Math.round(f.readiness * 100)}% ready (${f.met} met, ${f.partial} partial, ${f.missing} missing, ${f.notApplicable} n/a)`,
          )
        }

        say(`3/5 docs      writing to ${docsDir}`)
        const documents = await writeDocuments(system, classification, assessment, docsDir, {
          name: 'accord',
          version: VERSION,
        })
        say(`    ${documents.files.length} files; open ${path.join(docsDir, 'index.html')}`)

        say('4/5 registry  the embedded registry (PGlite) is running')
        const keyDir = path.join(out, 'keys')
        const keyFiles = keyPairPaths(keyDir, 'issuer')
        if (!existsSync(keyFiles.privatePath))
          await writeKeyPair(keyDir, 'issuer', await generateKeyPair({ alg: 'EdDSA' }))
        const signer = await fileSigner(keyFiles.privatePath)
        const listPath = statusListPath(signer.kid)

        say(`5/5 passport  issuing, signing and publishing (issuer key ${keyFiles.privatePath})`)
        const issued = await issueFromManifest({
          manifestPath,
          keyPath: keyFiles.privatePath,
          asOf,
          nowSeconds: ctx.io.nowSeconds(),
          // A status list is bound to the address that serves it, so one per registry address.
          statusDir: path.join(out, 'status', new URL(server.url).host.replace(/[^\w.-]/g, '_')),
          statusUri: apiUrl(server.url, listPath).href,
        })
        const passportFile = path.join(out, `${opts.example}.sd-jwt`)
        await writeFileAtomic(passportFile, issued.passport + '\n')
        const published = await publishToRegistry({
          registry: server.url,
          keyPath: keyFiles.privatePath,
          passport: issued.passport,
          nowSeconds: ctx.io.nowSeconds(),
        })
        // The list the passport names, uploaded as `accord status publish` does.
        const common = {
          registry: server.url,
          keyPath: keyFiles.privatePath,
          nowSeconds: ctx.io.nowSeconds(),
        }
        await putStatusList(
          common,
          await registryOf(common, signer),
          (await readFile(issued.status.listPath, 'utf8')).trim(),
        )
        const page = apiUrl(server.url, `/passports/${encodeURIComponent(published.id)}`).href
        say(`    passport ${published.id} -> ${passportFile}`)
        say(`    published at log index ${published.logIndex}`)
        // With --no-serve the registry is stopped before anything is printed, so neither the text
        // nor `registry.serving` in the JSON speaks of a server that is gone; url and
        // passportPage are then where it ran (the passport's status list names that address).
        if (!opts.serve) await server.close()
        const summary = {
          classification,
          assessment,
          documents,
          passport: { file: passportFile, id: published.id, logIndex: published.logIndex },
          registry: {
            serving: opts.serve,
            url: server.url,
            passportPage: page,
            logVerifierKey: server.verifierKey,
            dataDir,
          },
        }
        if (opts.json) printJson(ctx.io, summary)
        say('')
        ctx.setExit(EXIT.ok)
        if (!opts.serve) {
          say(
            `The registry ran only for this demo and has stopped (--no-serve); data in ${dataDir}`,
          )
          say(
            `  to browse it: accord serve --data-dir ${dataDir}, then open ${new URL(page).pathname}`,
          )
          return
        }
        say(`Registry and web UI: ${server.url}`)
        say(`  this passport:     ${page}`)
        say(`  verify a passport: ${server.url}/`)
        say('Serving; press Ctrl-C to stop.')
        await untilSignal()
      } finally {
        await server.close()
      }
    })
}

/** Whether `err` is startServer's refusal of a port another program already listens on. */
function portInUse(err: unknown): boolean {
  return (
    err instanceof ConfigError &&
    err.code === 'ERR_CONFIG_PORT_UNAVAILABLE' &&
    (err.cause as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE'
  )
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
