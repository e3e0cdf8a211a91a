import path from 'node:path'
import type { Command } from 'commander'
import { ConfigError, EXIT } from '../../core/errors.js'
import { answerQuestionnaire, type QuestionnaireAnswers } from '../../core/questionnaire/answer.js'
import { assertWritableFile, writeFileAtomic } from '../../node/fs-safe.js'
import { assessLoaded, classifyLoaded, loadSystem } from '../../node/pipeline.js'
import { formatOf, loadQuestionnaire } from '../../node/questionnaire/load.js'
import { parseColumnsOption } from '../../node/questionnaire/table.js'
import { renderAnswered } from '../../node/questionnaire/write.js'
import {
  addCommonOptions,
  addFrameworksOption,
  printJson,
  progress,
  resolveAsOf,
  type CommonOptions,
  type Ctx,
  warnOnStderr,
} from '../common.js'
import { createHash } from 'node:crypto'
import { VERSION } from '../version.js'

interface AnswerOptions extends CommonOptions {
  out?: string
  sheet?: string
  columns?: string
  force?: boolean
}

export function registerAnswer(program: Command, ctx: Ctx): void {
  addFrameworksOption(
    addCommonOptions(
      program
        .command('answer')
        .description(
          "answer a buyer's due-diligence questionnaire (YAML, JSON, CSV or XLSX) from the manifest and its assessment, and list the questions that need a human",
        )
        .argument('<questionnaire>', 'questionnaire: .yaml, .yml, .json, .csv or .xlsx')
        .argument('<manifest>', 'system manifest (accord.yaml)')
        .option(
          '-o, --out <file>',
          'write the answered questionnaire: .xlsx, .csv, .yaml, .json (the format of the extension), or a report: .md, .html or .docx',
        )
        .option('--sheet <name>', 'XLSX: the sheet holding the questions (default: the first)')
        .option(
          '--columns <spec>',
          'CSV/XLSX: headers or column letters per role, e.g. "id=A,question=Question text,answer=Vendor answer" (roles: id, section, question, refs, fields, facts, status, answer, evidence)',
        )
        .option('--force', 'allow --out to be the questionnaire file itself (it is replaced)'),
    ),
  ).action(async (questionnairePath: string, manifestPath: string, opts: AnswerOptions) => {
    const asOf = resolveAsOf(opts.asOf, ctx.io)
    const columns = parseColumnsOption(opts.columns)
    const outFormat = opts.out === undefined ? undefined : formatOf(opts.out)
    if (opts.out !== undefined && outFormat === undefined) {
      throw new ConfigError({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: `--out ${opts.out}: write to .xlsx, .csv, .yaml, .yml, .json, .md, .html or .docx`,
      })
    }
    if (
      opts.out !== undefined &&
      !opts.force &&
      path.resolve(opts.out) === path.resolve(questionnairePath)
    ) {
      throw new ConfigError({
        code: 'ERR_CONFIG_BAD_ARGS',
        message: `--out ${opts.out} is the questionnaire itself: write the answers to another file, or pass --force to replace it`,
      })
    }
    const system = await loadSystem(manifestPath, {
      catalogsDir: opts.catalogs,
      onWarnings: warnOnStderr(ctx.io),
    })
    const loaded = await loadQuestionnaire(questionnairePath, {
      catalogs: system.catalogs,
      columns,
      ...(opts.sheet === undefined ? {} : { sheet: opts.sheet }),
    })
    const classification = classifyLoaded(system, asOf, opts.frameworks)
    const bar = progress(ctx.io, 'hashing evidence', !opts.json)
    const assessment = await assessLoaded(system, classification, {
      asOf,
      onProgress: bar.update,
      ...(opts.frameworks ? { frameworks: opts.frameworks } : {}),
    })
    const answers = answerQuestionnaire({
      questionnaire: loaded.questionnaire,
      manifest: system.manifest,
      assessment,
      classification,
      catalogs: system.catalogs,
    })
    let written: { file: string; sha256: string; bytes: number } | undefined
    if (opts.out !== undefined && outFormat !== undefined) {
      // Rendered in full and the path checked before anything is written.
      const data = await renderAnswered(loaded, answers, outFormat, {
        systemName: system.manifest.system.name,
        systemVersion: system.manifest.system.version,
        manifestSha256: assessment.manifestSha256,
        asOf: classification.asOf,
        generator: { name: 'accord', version: VERSION },
      })
      await assertWritableFile(opts.out)
      await writeFileAtomic(opts.out, data)
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
      written = {
        file: opts.out,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.byteLength,
      }
    }
    if (opts.json) printJson(ctx.io, { ...answers, ...(written ? { written } : {}) })
    else ctx.io.out(summaryText(answers, written))
    ctx.setExit(answers.summary.gaps > 0 ? EXIT.findings : EXIT.ok)
  })
}

function oneLine(s: string, max = 70): string {
  const flat = s.replace(/\s+/g, ' ').trim()
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat
}

function summaryText(
  answers: QuestionnaireAnswers,
  written: { file: string; sha256: string } | undefined,
): string {
  const s = answers.summary
  const lines = [
    `${answers.questionnaire.title}: ${s.questions} questions answered for ${answers.system.name} ${answers.system.version} as of ${answers.asOf}`,
    `  met ${s.met}, partial ${s.partial}, missing ${s.missing}, not applicable ${s.notApplicable}, needs a human ${s.needsHuman}`,
  ]
  const human = answers.answers.filter((a) => a.status === 'needs-human')
  if (human.length > 0) {
    lines.push('', 'Needs a human answer:')
    for (const a of human) lines.push(`  ${a.id}  ${oneLine(a.text)} (${a.needsHuman ?? ''})`)
  }
  const gaps = answers.answers.filter((a) => a.status === 'missing' || a.status === 'partial')
  if (gaps.length > 0) {
    lines.push('', 'Gaps (partial or missing):')
    for (const a of gaps) {
      const refs = a.refs
        .filter((r) => r.status === 'missing' || r.status === 'partial')
        .map(
          (r) =>
            `${r.ref} ${r.status}${r.gap ? ', in force' : ''}${r.route === 'mapping' ? ' (by mapping)' : ''}`,
        )
      lines.push(`  ${a.id}  ${oneLine(a.text, 50)}: ${refs.join('; ') || a.status}`)
    }
  }
  if (s.gaps > 0)
    lines.push('', `${s.gaps} question(s) name an obligation in force that is partial or missing.`)
  if (written) lines.push('', `wrote ${written.file}  sha256:${written.sha256.slice(0, 16)}…`)
  return lines.join('\n') + '\n'
}
