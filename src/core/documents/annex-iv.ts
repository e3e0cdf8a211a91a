/**
 * Annex IV technical documentation (Art. 11(1)), filled from the manifest and the hashed evidence.
 *
 * The nine points of Annex IV (and the sub-items of points 1 and 2) are a fixed skeleton here, so a
 * point never disappears when a catalog lacks it; titles, summaries and any further sub-items are
 * taken from the catalog's `annex-iv.*` nodes when present. Nothing is invented: where the manifest
 * or the evidence does not say something, the document shows a `**MISSING:**` marker saying what is
 * absent and what would close the gap.
 */
import type { CatalogNode } from '../catalog/schema.js'
import type { Manifest } from '../manifest/schema.js'
import {
  CATEGORY_LABELS,
  childNodes,
  evidenceFor,
  evidenceTable,
  validityNote,
  headerBlock,
  isHighRisk,
  isProhibited,
  isProviderSide,
  scopeNotes,
  nodeById,
  type DocumentContext,
  type LinkedEvidence,
} from './context.js'
import { DOCUMENT_FILES, htmlName } from './files.js'
import {
  bullets,
  code,
  compareIds,
  joinBlocks,
  md,
  mdOr,
  missing,
  table,
  yesNo,
} from './markdown.js'

const EU = 'eu-ai-act'

interface SectionSpec {
  /** Catalog id, `annex-iv.2.d`. */
  id: string
  /** Official reference, `Annex IV 2(d)`. */
  ref: string
  /** Heading label, `(d)` or `2.`. */
  label: string
  /** Fallback title when the catalog has no node. */
  title: string
  /** EU obligations (local ids, prefix match) whose evidence also documents this section. */
  related: string[]
  render?: (ctx: DocumentContext, linked: readonly LinkedEvidence[]) => string[]
  items?: SectionSpec[]
}

function item(
  point: number,
  letter: string,
  title: string,
  related: string[],
  render?: SectionSpec['render'],
): SectionSpec {
  return {
    id: `annex-iv.${point}.${letter}`,
    ref: `Annex IV ${point}(${letter})`,
    label: `(${letter})`,
    title,
    related,
    ...(render ? { render } : {}),
  }
}

function point(
  n: number,
  title: string,
  related: string[],
  render?: SectionSpec['render'],
  items?: SectionSpec[],
): SectionSpec {
  return {
    id: `annex-iv.${n}`,
    ref: `Annex IV ${n}`,
    label: `${n}.`,
    title,
    related,
    ...(render ? { render } : {}),
    ...(items ? { items } : {}),
  }
}

/** The required skeleton: Annex IV points 1-9, with the sub-items of points 1 and 2. */
export const ANNEX_IV_SKELETON: readonly SectionSpec[] = [
  point(1, 'General description of the AI system', ['art-11'], undefined, [
    item(
      1,
      'a',
      'Intended purpose, provider, version and relation to earlier versions',
      [],
      renderPurpose,
    ),
    item(1, 'b', 'Interaction with hardware or software outside the system', [], renderInteraction),
    item(
      1,
      'c',
      'Versions of relevant software or firmware and update requirements',
      [],
      renderVersions,
    ),
    item(
      1,
      'd',
      'Forms in which the system is placed on the market or put into service',
      [],
      renderForms,
    ),
    item(1, 'e', 'Hardware on which the system is intended to run', [], renderHardware),
    item(
      1,
      'f',
      'Photographs or illustrations of products the system is a component of',
      [],
      renderProductImages,
    ),
    item(
      1,
      'g',
      'Basic description of the user interface provided to the deployer',
      [],
      renderUserInterface,
    ),
    item(1, 'h', 'Instructions for use for the deployer', ['art-13'], renderInstructions),
  ]),
  point(
    2,
    'Detailed description of the elements of the AI system and of its development process',
    [],
    undefined,
    [
      item(
        2,
        'a',
        'Development methods and use of pre-trained systems or third-party tools',
        [],
        renderDevelopment,
      ),
      item(
        2,
        'b',
        'Design specifications: logic, algorithms, key design choices and trade-offs',
        [],
        renderDesign,
      ),
      item(2, 'c', 'System architecture and computational resources', [], renderArchitecture),
      item(2, 'd', 'Data requirements and datasheets', ['art-10'], renderData),
      item(
        2,
        'e',
        'Assessment of the human oversight measures (Art. 14)',
        ['art-14'],
        renderOversight,
      ),
      item(2, 'f', 'Pre-determined changes and continued compliance', [], renderPredetermined),
      item(
        2,
        'g',
        'Validation and testing procedures, metrics and test logs',
        ['art-15'],
        renderTesting,
      ),
      item(2, 'h', 'Cybersecurity measures', ['art-15.5'], renderCybersecurity),
    ],
  ),
  point(
    3,
    'Monitoring, functioning and control of the AI system',
    ['art-12', 'art-13'],
    renderMonitoring,
  ),
  point(4, 'Appropriateness of the performance metrics', [], renderMetricsAppropriateness),
  point(5, 'Risk management system (Art. 9)', ['art-9'], renderRiskManagement),
  point(6, 'Relevant changes made through the lifecycle', [], renderChanges),
  point(
    7,
    'Harmonised standards and other solutions applied',
    ['art-40', 'art-41'],
    renderStandards,
  ),
  point(8, 'EU declaration of conformity (Art. 47)', ['art-47'], renderDeclarationRef),
  point(9, 'Post-market monitoring system and plan (Art. 72)', ['art-72'], renderPostMarket),
]

/** Renders the Annex IV technical documentation as Markdown. */
export function renderAnnexIv(ctx: DocumentContext): string {
  const eu = ctx.classification.euAiAct
  const notice: string[] = []
  if (isProhibited(ctx)) {
    notice.push(
      '> **Warning:** the classification found a prohibited AI practice (Art. 5). A system using it ' +
        'must not be placed on the market, put into service or used in the Union; this ' +
        'documentation does not make it lawful.',
    )
  } else if (!isHighRisk(ctx)) {
    notice.push(
      `> **Note:** this system is classified as "${CATEGORY_LABELS[eu.category]}". Annex IV ` +
        'technical documentation is legally required only for high-risk AI systems (Art. 11(1)); ' +
        'this document is produced voluntarily.',
    )
  }
  notice.push(
    ...scopeNotes(ctx, {
      sectionB: ['Art. 11 technical documentation', 'this document is produced voluntarily'],
      notProvider: 'The technical documentation (Art. 11(1), Annex IV)',
      notAssessed:
        'no point is marked for missing or partial evidence: its gaps are unknown, not absent',
    }),
  )
  const blocks: string[] = [
    `# Technical documentation (Annex IV): ${md(ctx.manifest.system.name)}`,
    headerBlock(ctx),
    ...notice,
    'This document follows the structure of Annex IV to Regulation (EU) 2024/1689. Its content ' +
      'comes from the system manifest and the evidence files listed under each point (with their ' +
      'SHA-256 digests). Where information is absent, a MISSING marker says what is absent ' +
      'and what would close the gap.',
  ]
  for (const spec of ANNEX_IV_SKELETON) blocks.push(...renderSection(ctx, spec, 2))
  return joinBlocks(blocks)
}

function renderSection(ctx: DocumentContext, spec: SectionSpec, level: number): string[] {
  const node = nodeById(ctx, EU, spec.id)
  const title = node?.name ?? spec.title
  const ref = node?.ref_id ?? spec.ref
  const blocks: string[] = [`${'#'.repeat(level)} ${spec.label} ${md(title)} (${md(ref)})`]
  if (node?.summary) blocks.push(`_Requirement:_ ${md(node.summary)}`)
  if (node?.uncertain) blocks.push(`_Uncertain:_ ${md(node.uncertain)}`)

  // Sub-items: the fixed ones, plus any further ones the catalog has (generic rendering).
  const items = [...(spec.items ?? [])]
  if (node) {
    for (const child of childNodes(ctx, node)) {
      if (!items.some((i) => i.id === child.id)) items.push(genericSpec(child))
    }
  }
  items.sort((a, b) => compareIds(a.id, b.id))

  const eu = (ids: readonly string[]): string[] => ids.map((i) => `${EU}:${i}`)
  const linked =
    items.length > 0
      ? evidenceFor(ctx, eu(spec.related), eu([spec.id]))
      : evidenceFor(ctx, eu([spec.id, ...spec.related]))
  if (spec.render) blocks.push(...spec.render(ctx, linked))
  blocks.push(...evidenceBlock(ctx, linked, items.length > 0))
  blocks.push(...assessmentMarker(ctx, spec, node, ref))
  for (const sub of items) blocks.push(...renderSection(ctx, sub, level + 1))
  return blocks
}

function genericSpec(node: CatalogNode): SectionSpec {
  const letter = node.id.slice(node.id.lastIndexOf('.') + 1)
  return {
    id: node.id,
    ref: node.ref_id,
    label: /^[a-z]+$/.test(letter) ? `(${letter})` : `${letter}.`,
    title: node.name,
    related: [],
  }
}

function evidenceBlock(
  ctx: DocumentContext,
  linked: readonly LinkedEvidence[],
  hasItems: boolean,
): string[] {
  if (linked.length === 0)
    return [hasItems ? '' : 'Evidence: none is linked to this point.'].filter((b) => b !== '')
  return ['Evidence:', evidenceTable(ctx, linked)]
}

/** A marker when the assessment found this Annex IV point missing or only partly met. */
function assessmentMarker(
  ctx: DocumentContext,
  spec: SectionSpec,
  node: CatalogNode | undefined,
  ref: string,
): string[] {
  const o = ctx.obligationsById.get(`${EU}:${spec.id}`)
  if (!o || (o.status !== 'missing' && o.status !== 'partial')) return []
  const what = `evidence for ${md(ref)}${o.status === 'partial' ? ' (only partly met)' : ''}: ${md(
    node?.evidence_hint ?? o.reason,
  )}`
  const fix = o.action
    ? md(o.action)
    : `link evidence supporting ${code(`${EU}:${spec.id}`)} in the manifest`
  return [missing(what, fix)]
}

// ---------------------------------------------------------------------------------------------
// Point renderers. Each returns Markdown blocks; untrusted text always goes through md().

function list(values: readonly string[] | undefined): string | undefined {
  return values && values.length > 0 ? bullets(values.map((v) => md(v))) : undefined
}

function field(label: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : `**${label}:** ${value}`
}

function defined(values: readonly (string | undefined)[]): string[] {
  return values.filter((v): v is string => v !== undefined)
}

function renderPurpose(ctx: DocumentContext): string[] {
  const { system, provider, changes } = ctx.manifest
  const earlier = changes
    .filter((c) => c.version !== system.version)
    .map((c) => `${md(c.version)} (${md(c.date)})`)
  return defined([
    field('Intended purpose', md(system.intendedPurpose)),
    field('Description', system.description === undefined ? undefined : md(system.description)),
    field(
      'Provider',
      `${md(provider.name)}, ${md(provider.address)}, ${md(provider.country)} (${md(provider.email)})`,
    ),
    field('System version', md(system.version)),
    field('Reference', system.reference === undefined ? undefined : md(system.reference)),
    field(
      'Placed on the market or put into service',
      system.placedOnMarket === undefined ? undefined : md(system.placedOnMarket),
    ),
    earlier.length > 0
      ? field('Earlier versions recorded', earlier.join(', '))
      : 'No earlier versions are recorded in the manifest (`changes`).',
  ])
}

function thirdPartyModels(m: Manifest): string | undefined {
  const models = m.models.filter((x) => x.thirdParty)
  if (models.length === 0) return undefined
  return (
    '**Third-party AI models integrated:**\n\n' +
    bullets(
      models.map(
        (x) =>
          `${md(x.name)} ${md(x.version)}${x.supplier ? ` (supplied by ${md(x.supplier)})` : ''}`,
      ),
    )
  )
}

function softwareMissing(): string {
  return missing(
    'the software (and other AI systems) the system interacts with or depends on, with versions',
    'list them under `system.software` in the manifest',
  )
}

function renderInteraction(ctx: DocumentContext): string[] {
  const software = list(ctx.manifest.system.software)
  return defined([
    software
      ? `**Software the system interacts with or depends on:**\n\n${software}`
      : softwareMissing(),
    thirdPartyModels(ctx.manifest),
  ])
}

function renderVersions(ctx: DocumentContext): string[] {
  const m = ctx.manifest
  const software = list(m.system.software)
  const models =
    m.models.length > 0
      ? '**Model versions:**\n\n' + bullets(m.models.map((x) => `${md(x.name)} ${md(x.version)}`))
      : undefined
  return defined([
    software ? `**Software and firmware versions:**\n\n${software}` : softwareMissing(),
    models,
  ])
}

function renderForms(ctx: DocumentContext): string[] {
  const forms = list(ctx.manifest.system.forms)
  return [
    forms
      ? `**Forms of supply:**\n\n${forms}`
      : missing(
          'the forms in which the system is placed on the market or put into service',
          'list them (e.g. api, saas, download, embedded) under `system.forms`',
        ),
  ]
}

function renderHardware(ctx: DocumentContext): string[] {
  const hardware = list(ctx.manifest.system.hardware)
  return [
    hardware
      ? `**Intended hardware:**\n\n${hardware}`
      : missing(
          'the hardware on which the system is intended to run',
          'list it under `system.hardware`',
        ),
  ]
}

function renderProductImages(ctx: DocumentContext, linked: readonly LinkedEvidence[]): string[] {
  const sc = ctx.manifest.classification.safetyComponent
  if (!sc)
    return [
      'Not applicable: the manifest declares no product under Annex I of which the system is a ' +
        'component (`classification.safetyComponent`).',
    ]
  const blocks = [
    field(
      'Product',
      `${sc.product ? md(sc.product) + ', ' : ''}covered by ${md(sc.legislation)}`,
    ) as string,
  ]
  if (linked.length === 0)
    blocks.push(
      missing(
        "photographs or illustrations of the product's external features, marking and internal layout",
        `link them as evidence supporting ${code('eu-ai-act:annex-iv.1.f')}`,
      ),
    )
  return blocks
}

function renderUserInterface(ctx: DocumentContext): string[] {
  const ui = ctx.manifest.system.userInterface
  return [
    ui
      ? (field('User interface', md(ui)) as string)
      : missing(
          'a basic description of the user interface provided to the deployer',
          'describe it under `system.userInterface`',
        ),
  ]
}

function renderInstructions(ctx: DocumentContext, linked: readonly LinkedEvidence[]): string[] {
  const ifu = ctx.assessment.evidence
    .filter((e) => e.type === 'instructions-for-use')
    .sort((a, b) => compareIds(a.id, b.id))
  if (ifu.length === 0)
    return [
      missing(
        'instructions for use for the deployer (Art. 13)',
        `add an evidence item of type ${code('instructions-for-use')} supporting ${code('eu-ai-act:art-13')}`,
      ),
    ]
  const notLinked = ifu.filter((e) => !linked.some((l) => l.evidence.id === e.id))
  return [
    'Instructions for use: ' +
      ifu.map((e) => `${md(e.title)} (${md(e.path)})${validityNote(ctx, e)}`).join('; ') +
      (notLinked.length > 0 ? ' (see the evidence list of this document).' : '.'),
  ]
}

function renderDevelopment(ctx: DocumentContext): string[] {
  const models = ctx.manifest.models
  if (models.length === 0)
    return [
      missing(
        'the models used, and how pre-trained systems or third-party tools were used, integrated or modified',
        'list the models under `models` and link a development description as evidence supporting `eu-ai-act:annex-iv.2.a`',
      ),
    ]
  return [
    '**Models:**',
    table(
      [
        'Model',
        'Version',
        'Supplier',
        'Third party',
        'General-purpose',
        'Licence',
        'Weights public',
      ],
      models.map((x) => [
        md(x.name),
        md(x.version),
        mdOr(x.supplier),
        yesNo(x.thirdParty),
        yesNo(x.generalPurpose),
        md(x.licence),
        yesNo(x.weightsPublic),
      ]),
    ),
  ]
}

function renderDesign(ctx: DocumentContext, linked: readonly LinkedEvidence[]): string[] {
  const withArch = ctx.manifest.models.filter((x) => x.architecture)
  const blocks: string[] = []
  if (withArch.length > 0)
    blocks.push(bullets(withArch.map((x) => `${md(x.name)}: ${md(x.architecture as string)}`)))
  if (withArch.length === 0 && linked.length === 0)
    blocks.push(
      missing(
        'design specifications: general logic, algorithms, key design choices and trade-offs',
        'add `architecture` to the models and link a technical specification as evidence supporting `eu-ai-act:annex-iv.2.b`',
      ),
    )
  return blocks
}

function renderArchitecture(ctx: DocumentContext, linked: readonly LinkedEvidence[]): string[] {
  const models = ctx.manifest.models
  const blocks: string[] = []
  if (models.length > 0)
    blocks.push(
      table(
        ['Model', 'Architecture', 'Parameters', 'Training compute (FLOP)', 'Modalities'],
        models.map((x) => [
          md(x.name),
          mdOr(x.architecture),
          x.parameters === undefined ? '—' : md(x.parameters),
          x.trainingComputeFlop === undefined ? '—' : md(x.trainingComputeFlop.toExponential()),
          x.modalities && x.modalities.length > 0 ? x.modalities.map((v) => md(v)).join(', ') : '—',
        ]),
      ),
    )
  const hasCompute = models.some((x) => x.trainingComputeFlop !== undefined)
  if (!hasCompute && linked.length === 0)
    blocks.push(
      missing(
        'the system architecture and the computational resources used to develop, train, test and validate it',
        'add `architecture` and `trainingComputeFlop` to the models, or link evidence supporting `eu-ai-act:annex-iv.2.c`',
      ),
    )
  return blocks
}

function renderData(ctx: DocumentContext): string[] {
  const datasets = ctx.manifest.datasets
  if (datasets.length === 0)
    return [
      missing(
        'the training, validation and testing datasets and their datasheets',
        'list them under `datasets`, each with a `sheet` evidence id',
      ),
    ]
  const blocks: string[] = [
    table(
      ['Dataset', 'Purpose', 'Source', 'Size', 'Personal data', 'Special categories', 'Provenance'],
      datasets.map((d) => [
        md(d.name),
        d.purpose.map((p) => md(p)).join(', '),
        md(d.source),
        mdOr(d.size),
        yesNo(d.personalData),
        yesNo(d.specialCategories),
        mdOr(d.provenance),
      ]),
    ),
  ]
  for (const d of datasets) {
    const lines: string[] = [`**${md(d.name)}**`]
    const details = defined([
      d.preparation && d.preparation.length > 0
        ? `Preparation: ${d.preparation.map((p) => md(p)).join('; ')}`
        : undefined,
      d.biasExamination ? `Bias examination: ${md(d.biasExamination)}` : undefined,
      d.knownGaps ? `Known gaps: ${md(d.knownGaps)}` : undefined,
    ])
    const sheet = d.sheet === undefined ? undefined : ctx.evidenceById.get(d.sheet)
    if (sheet)
      details.push(
        `Datasheet: ${md(sheet.title)} (${md(sheet.path)}, SHA-256 ${code(sheet.sha256)})${validityNote(ctx, sheet)}`,
      )
    if (details.length > 0) lines.push(bullets(details))
    if (d.sheet === undefined)
      lines.push(
        missing(
          `a datasheet for dataset "${md(d.name)}"`,
          "add it as evidence (type `dataset-sheet`) and name its id in the dataset's `sheet`",
        ),
      )
    else if (!sheet)
      lines.push(
        missing(
          `the datasheet "${md(d.sheet)}" of dataset "${md(d.name)}" is not among the evidence`,
          `add an evidence item with id ${code(d.sheet)} or correct \`sheet\``,
        ),
      )
    blocks.push(lines.join('\n\n'))
  }
  return blocks
}

function renderOversight(ctx: DocumentContext): string[] {
  const h = ctx.manifest.humanOversight
  if (!h)
    return [
      missing(
        'the human oversight measures (Art. 14) and the technical measures that help deployers interpret outputs',
        'add `humanOversight.measures` (and `stopMechanism`, `overseerTraining`)',
      ),
    ]
  return defined([
    `**Measures:**\n\n${bullets(h.measures.map((x) => md(x)))}`,
    field('Stop mechanism', h.stopMechanism === undefined ? undefined : md(h.stopMechanism)),
    field(
      'Separate verification by two persons (Art. 14(5))',
      h.twoPersonVerification === undefined ? undefined : yesNo(h.twoPersonVerification),
    ),
    field(
      'Training of overseers',
      h.overseerTraining === undefined ? undefined : md(h.overseerTraining),
    ),
  ])
}

function renderPredetermined(ctx: DocumentContext): string[] {
  const changes = list(ctx.manifest.predeterminedChanges)
  return [
    changes
      ? `**Pre-determined changes:**\n\n${changes}`
      : 'No pre-determined changes are declared in the manifest (`predeterminedChanges`).',
  ]
}

function metricTable(ctx: DocumentContext): string | undefined {
  const metrics = ctx.manifest.accuracy?.metrics ?? []
  if (metrics.length === 0) return undefined
  return table(
    ['Metric', 'Value', 'Threshold', 'Dataset', 'Population', 'Evidence'],
    metrics.map((x) => [
      md(x.name),
      md(x.value) + (x.unit ? ` ${md(x.unit)}` : ''),
      x.threshold === undefined ? '—' : `${x.higherIsBetter ? '≥' : '≤'} ${md(x.threshold)}`,
      mdOr(x.dataset),
      mdOr(x.population),
      mdOr(x.evidence),
    ]),
  )
}

function renderTesting(ctx: DocumentContext, linked: readonly LinkedEvidence[]): string[] {
  const m = ctx.manifest
  const blocks: string[] = []
  const metrics = metricTable(ctx)
  blocks.push(
    metrics
      ? `**Metrics:**\n\n${metrics}`
      : missing(
          'validation and testing metrics for accuracy and the other Chapter III Section 2 requirements',
          'add `accuracy.metrics` to the manifest',
        ),
  )
  blocks.push(
    m.robustness
      ? `**Robustness measures:**\n\n${bullets(m.robustness.measures.map((x) => md(x)))}`
      : missing('the robustness measures', 'add `robustness.measures` to the manifest'),
  )
  const logs = linked.filter(
    (l) => l.evidence.type === 'test-log' || l.evidence.type === 'evaluation-report',
  )
  if (logs.length === 0)
    blocks.push(
      missing(
        'dated and signed test logs and test reports',
        'link them as evidence (type `test-log` or `evaluation-report`) supporting `eu-ai-act:annex-iv.2.g`',
      ),
    )
  return blocks
}

function renderCybersecurity(ctx: DocumentContext): string[] {
  const c = ctx.manifest.cybersecurity
  return [
    c
      ? `**Cybersecurity measures:**\n\n${bullets(c.measures.map((x) => md(x)))}`
      : missing('the cybersecurity measures', 'add `cybersecurity.measures` to the manifest'),
  ]
}

/**
 * Where input data specifications are documented: the manifest has no field for them, and Art.
 * 13(3)(b)(vi) puts them in the instructions for use. So evidence naming that point counts, and so
 * do instructions for use naming it or a parent of it.
 */
const INPUT_DATA_SPEC = `${EU}:art-13.3.b.vi`
const INPUT_DATA_SPEC_PARENTS = ['art-13', 'art-13.3', 'art-13.3.b'].map((id) => `${EU}:${id}`)

function documentsInputData({ evidence, supports }: LinkedEvidence): boolean {
  return (
    supports.includes(INPUT_DATA_SPEC) ||
    (evidence.type === 'instructions-for-use' &&
      supports.some((s) => INPUT_DATA_SPEC_PARENTS.includes(s)))
  )
}

function renderMonitoring(ctx: DocumentContext, linked: readonly LinkedEvidence[]): string[] {
  const m = ctx.manifest
  const blocks: string[] = []
  const limitations = list(m.accuracy?.limitations)
  blocks.push(
    limitations
      ? `**Capabilities and limitations in performance:**\n\n${limitations}`
      : missing(
          'the capabilities and limitations in performance, including the degree of accuracy for specific persons or groups',
          'add `accuracy.limitations` to the manifest',
        ),
  )
  const byGroup = (m.accuracy?.metrics ?? []).filter((x) => x.population)
  if (byGroup.length > 0)
    blocks.push(
      '**Accuracy for specific persons or groups:**\n\n' +
        bullets(
          byGroup.map(
            (x) =>
              `${md(x.population as string)}: ${md(x.name)} = ${md(x.value)}${x.unit ? ` ${md(x.unit)}` : ''}`,
          ),
        ),
    )
  blocks.push(`**Persons affected:** ${m.deployment.affectedPersons.map((x) => md(x)).join(', ')}`)
  const risks = m.riskManagement?.risks ?? []
  blocks.push(
    risks.length > 0
      ? `Foreseeable unintended outcomes and sources of risk: ${risks.length} risk(s), see point 5 (${risks
          .map((r) => md(r.id))
          .join(', ')}).`
      : missing(
          'the foreseeable unintended outcomes and sources of risk to health, safety, fundamental rights and discrimination',
          'list them under `riskManagement.risks` in the manifest (see point 5)',
        ),
  )
  blocks.push(
    m.humanOversight
      ? 'Human oversight measures: see point 2(e).'
      : missing(
          'the human oversight measures (Art. 14), including the technical measures that help deployers interpret outputs',
          'add `humanOversight.measures` to the manifest (see point 2(e))',
        ),
  )
  const inputSpec = linked.filter(documentsInputData)
  blocks.push(
    inputSpec.length > 0
      ? `**Input data specifications:** in ${inputSpec.map((l) => `${md(l.evidence.title)} (${md(l.evidence.path)})`).join('; ')}.`
      : missing(
          'the specifications for the input data',
          'describe them in the instructions for use (Art. 13(3)(b)(vi)) and link that document as evidence supporting `eu-ai-act:art-13.3.b.vi`',
        ),
  )
  blocks.push(
    m.logging
      ? `**Logging (Art. 12):** events ${m.logging.events.map((x) => md(x)).join(', ')}; kept ${m.logging.retentionDays} days.`
      : missing(
          'the automatic logging of events (Art. 12) used to monitor the functioning of the system',
          'add `logging.events` and `logging.retentionDays` to the manifest',
        ),
  )
  return blocks
}

function renderMetricsAppropriateness(ctx: DocumentContext): string[] {
  const metrics = ctx.manifest.accuracy?.metrics ?? []
  if (metrics.length === 0)
    return [
      missing(
        'the performance metrics and why they are appropriate for the system',
        'add `accuracy.metrics` with thresholds, and link the rationale as evidence supporting `eu-ai-act:annex-iv.4`',
      ),
    ]
  const blocks = [
    table(
      ['Metric', 'Value', 'Threshold', 'Meets threshold'],
      metrics.map((x) => [
        md(x.name),
        md(x.value) + (x.unit ? ` ${md(x.unit)}` : ''),
        x.threshold === undefined ? '—' : `${x.higherIsBetter ? '≥' : '≤'} ${md(x.threshold)}`,
        x.threshold === undefined
          ? '—'
          : yesNo(x.higherIsBetter ? x.value >= x.threshold : x.value <= x.threshold),
      ]),
    ),
  ]
  const noThreshold = metrics.filter((x) => x.threshold === undefined)
  if (noThreshold.length > 0)
    blocks.push(
      missing(
        `acceptance thresholds for ${noThreshold.map((x) => `"${md(x.name)}"`).join(', ')}`,
        'add `threshold` to each metric',
      ),
    )
  return blocks
}

function renderRiskManagement(ctx: DocumentContext): string[] {
  const r = ctx.manifest.riskManagement
  if (!r)
    return [
      missing(
        'a description of the risk management system (Art. 9) and the risk register',
        'add `riskManagement.process` and `riskManagement.risks` to the manifest',
      ),
    ]
  const blocks = [field('Process', md(r.process)) as string]
  if (r.risks.length === 0)
    blocks.push(missing('the identified risks (risk register)', 'add `riskManagement.risks`'))
  else
    blocks.push(
      table(
        ['Risk', 'Description', 'Affects', 'Severity', 'Likelihood', 'Mitigation', 'Residual'],
        r.risks.map((x) => [
          md(x.id),
          md(x.description),
          x.affects.map((a) => md(a)).join(', '),
          md(x.severity),
          md(x.likelihood),
          md(x.mitigation),
          md(x.residual),
        ]),
      ),
    )
  return blocks
}

function renderChanges(ctx: DocumentContext): string[] {
  const changes = ctx.manifest.changes
  if (changes.length === 0)
    return [
      missing(
        'the record of relevant changes made to the system through its lifecycle',
        'add entries under `changes` (at least one for the current version)',
      ),
    ]
  return [
    table(
      ['Version', 'Date', 'Change', 'Substantial modification'],
      changes.map((c) => [
        md(c.version),
        md(c.date),
        md(c.description),
        yesNo(c.substantialModification),
      ]),
    ),
  ]
}

function renderStandards(ctx: DocumentContext, linked: readonly LinkedEvidence[]): string[] {
  const m = ctx.manifest
  const blocks: string[] = []
  const harmonised = list(m.harmonisedStandards)
  if (harmonised) blocks.push(`**Harmonised standards applied:**\n\n${harmonised}`)
  else if (linked.length === 0)
    blocks.push(
      missing(
        'the harmonised standards applied, or a detailed description of the solutions adopted to meet Chapter III Section 2',
        'list `harmonisedStandards`, or link a technical specification as evidence supporting `eu-ai-act:annex-iv.7`',
      ),
    )
  else
    blocks.push(
      'No harmonised standards are listed; see the evidence below for the solutions adopted.',
    )
  const other = list(m.otherStandards)
  if (other) blocks.push(`**Other standards and technical specifications applied:**\n\n${other}`)
  return blocks
}

function renderDeclarationRef(ctx: DocumentContext): string[] {
  if (isProhibited(ctx))
    return [
      'No EU declaration of conformity can be issued: the system falls under a prohibited practice ' +
        `(Art. 5). See ${docLinks(DOCUMENT_FILES.declaration)}.`,
    ]
  const d = ctx.manifest.declaration
  const blocks = [
    `The draft EU declaration of conformity is generated alongside this document: ` +
      `${docLinks(DOCUMENT_FILES.declaration)}. Attach the signed copy here.`,
  ]
  if (d)
    blocks.push(
      `Declared at ${md(d.place)} on ${md(d.date)} by ${md(d.signatory.name)}, ${md(d.signatory.function)}.`,
    )
  else
    blocks.push(
      missing(
        'the signed EU declaration of conformity (place, date and signatory)',
        isProviderSide(ctx)
          ? 'complete `declaration` in the manifest and sign the generated draft'
          : 'obtain the signed declaration from the provider and link it as evidence supporting `eu-ai-act:annex-iv.8`',
      ),
    )
  return blocks
}

function docLinks(markdownName: string): string {
  const html = htmlName(markdownName)
  return `[${markdownName}](${markdownName}) ([HTML](${html}))`
}

function renderPostMarket(ctx: DocumentContext): string[] {
  const m = ctx.manifest
  const blocks: string[] = []
  const p = m.postMarketMonitoring
  if (p) {
    blocks.push(field('Post-market monitoring plan', md(p.plan)) as string)
    if (p.indicators.length > 0)
      blocks.push(`**Indicators:**\n\n${bullets(p.indicators.map((x) => md(x)))}`)
  } else
    blocks.push(
      missing(
        'the post-market monitoring plan (Art. 72(3))',
        'add `postMarketMonitoring.plan` and `indicators` to the manifest',
      ),
    )
  const ir = m.incidentResponse
  if (ir)
    blocks.push(
      field(
        'Serious incident reporting (Art. 73)',
        md(ir.procedure) +
          (ir.reportWithinHours === undefined
            ? ''
            : `; first report within ${ir.reportWithinHours} hours`) +
          (ir.contact === undefined ? '' : `; contact ${md(ir.contact)}`),
      ) as string,
    )
  return blocks
}
