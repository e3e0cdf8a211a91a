/**
 * `accord diff OLD NEW`: what changed between two passports of a system, for a buyer who accepted
 * the old one and receives the new one with an update (src/core/passport/diff.ts). With
 * `--issuer-jwk`, both are first checked against the issuer's key; without it, a note says they
 * were not. Exit 1 when a change is worse for the buyer (`--fail-on`).
 */
import { Option, type Command } from 'commander'
import { EXIT, PassportError } from '../../core/errors.js'
import {
  CHANGE_EFFECTS,
  diffPassports,
  diffablePassport,
  type ChangeEffect,
  type PassportChange,
} from '../../core/passport/diff.js'
import type { PassportClaims } from '../../core/passport/types.js'
import { hasher } from '../../node/passport.js'
import { readPassportFile } from '../../node/status-store.js'
import { printJson, type Ctx } from '../common.js'
import {
  checkPassportSignature,
  withIssuerJwkOption,
  type PassportSignature,
} from '../passport-signature.js'

interface DiffOptions {
  issuerJwk?: string
  failOn: 'worse' | 'review' | 'never'
  all?: boolean
  json?: boolean
}

const DIFF_NOT_CHECKED_NOTICE =
  "note: the passports' signatures were not checked; they are compared as they state themselves. Give the issuer's public key with --issuer-jwk <file> to verify them\n"

const HEADINGS: Record<ChangeEffect, string> = {
  worse: 'Worse for the buyer',
  better: 'Better for the buyer',
  review: 'To review',
  neutral: 'Neutral',
}

/** The claims of passport `file` as disclosed, checked to be a passport diffPassports can read. */
function readClaims(file: string, sdJwt: string): PassportClaims {
  const read = diffablePassport(sdJwt, hasher)
  if (!read.ok)
    throw new PassportError({
      code: 'ERR_PASSPORT_MALFORMED',
      message: `passport ${file} ${read.problem}`,
    })
  return read.claims
}

/** A value in one line of text. */
function show(value: unknown): string {
  if (value === null || value === undefined) return '(none)'
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}

function line(c: PassportChange): string {
  return `  ${c.path}: ${c.message}\n      ${show(c.before)} → ${show(c.after)}\n`
}

export function registerDiff(program: Command, ctx: Ctx): void {
  const command = program
    .command('diff')
    .description(
      "what changed between two passports of a system, judged from the buyer's side: worse, better, to review; exit 1 when something got worse",
    )
    .argument('<old>', 'the passport you have (e.g. the one you accepted)')
    .argument('<new>', 'the passport that replaces it')
    .addOption(
      new Option('--fail-on <when>', 'exit 1 when a change is of this kind or worse')
        .choices(['worse', 'review', 'never'])
        .default('worse'),
    )
    .option('--all', 'list the neutral changes too (versions, digests, law version)')
  withIssuerJwkOption(command)
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (oldPath: string, newPath: string, opts: DiffOptions) => {
      const passports = await Promise.all(
        [oldPath, newPath].map(async (file) => ({ file, ...(await readPassportFile(file)) })),
      )
      const signatures: PassportSignature[] = []
      // Both checked before either is read further; the note that they were not, said once here.
      for (const { file, sdJwt } of passports)
        signatures.push(await checkPassportSignature(file, sdJwt, { ...opts, json: true }, ctx))
      if (opts.issuerJwk === undefined && !opts.json) ctx.io.err(DIFF_NOT_CHECKED_NOTICE)
      const [before, after] = passports.map(({ file, sdJwt }) => readClaims(file, sdJwt))
      const diff = diffPassports(before as PassportClaims, after as PassportClaims)
      const failing =
        opts.failOn === 'never'
          ? false
          : diff.counts.worse > 0 || (opts.failOn === 'review' && diff.counts.review > 0)
      if (failing) ctx.setExit(EXIT.findings)

      if (opts.json)
        return printJson(ctx.io, {
          ...diff,
          passportSignature: { old: signatures[0], new: signatures[1] },
        })
      const { old: o, new: n } = diff
      ctx.io.out(
        `${o.system} ${o.version} (issued ${o.issuedAt.slice(0, 10)}) → ${n.system} ${n.version} (issued ${n.issuedAt.slice(0, 10)})\n`,
      )
      if (!diff.sameSystem) ctx.io.out('warning: the two passports are about different systems\n')
      if (!diff.sameIssuer) ctx.io.out(`note: issued by ${o.issuer} and by ${n.issuer}\n`)
      const counts = CHANGE_EFFECTS.map((e) => `${diff.counts[e]} ${e}`).join(', ')
      ctx.io.out(`${diff.changes.length} changes: ${counts}\n`)
      for (const effect of CHANGE_EFFECTS) {
        if (effect === 'neutral' && !opts.all) continue
        const list = diff.changes.filter((c) => c.effect === effect)
        if (list.length === 0) continue
        ctx.io.out(`\n${HEADINGS[effect]} (${list.length}):\n`)
        for (const c of list) ctx.io.out(line(c))
      }
      if (diff.counts.neutral > 0 && !opts.all)
        ctx.io.out(`\n${diff.counts.neutral} neutral changes not shown (--all lists them)\n`)
      if (diff.notComparable.length > 0) {
        ctx.io.out('\nNot comparable (disclosed in one passport only):\n')
        for (const nc of diff.notComparable)
          ctx.io.out(`  ${nc.path} (only in the ${nc.disclosedIn} passport)\n`)
      }
    })
}
