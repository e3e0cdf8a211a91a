/**
 * A running registry (`accord serve` on a free port of 127.0.0.1, in-process) holding one bundled
 * example's passport, published with its issuer key: the set-up of the suites that report, publish
 * and verify statements about a passport.
 */
import path from 'node:path'
import { startServer, type RunningServer } from '../../src/cli/commands/serve.js'
import { issuedExample, run } from '../cli/helpers.js'
import { tempDir } from '../tmp.js'

export interface RegistryWithPassport {
  server: RunningServer
  /** A path in the example's folder (`p('passport.sd-jwt')`, `p('keys', 'issuer.private.jwk.json')`). */
  p: (...parts: string[]) => string
  /** The published passport's jti. */
  passportId: string
}

/**
 * Starts a registry in a new temporary folder named from `prefix`, issues `example` with the keys
 * `keyNames` (the first must be `issuer`) and publishes its passport; throws when publishing fails.
 */
export async function registryWithPassport(
  prefix: string,
  example: string,
  keyNames: readonly string[],
): Promise<RegistryWithPassport> {
  const dir = tempDir(prefix)
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: path.join(dir, 'registry'),
    logLevel: 'silent',
    env: {},
  })
  const p = await issuedExample(example, keyNames)
  const pub = await run([
    'publish',
    p('passport.sd-jwt'),
    '--registry',
    server.url,
    '--key',
    p('keys', 'issuer.private.jwk.json'),
    '--json',
  ])
  if (pub.code !== 0) throw new Error(pub.stdout + pub.stderr)
  return { server, p, passportId: pub.json().id as string }
}
