/**
 * The assessment as JUnit XML, the test report Jenkins, GitLab (`artifacts:reports:junit`) and
 * Azure DevOps show: `accord assess MANIFEST --junit FILE` (docs/assess.md, "CI pipelines").
 *
 * One `<testsuite>` per assessed framework, one `<testcase>` per listed obligation (classname the
 * framework, name its id and title). A gap in force (partial or missing; every gap of a voluntary
 * framework) is a `<failure>` whose message is the reason and whose text adds what would close
 * it; a not-applicable obligation is `<skipped>` with the reason, and so is a gap not yet in force,
 * with the date it applies from. A prohibited practice (Art. 5(1)) is a failing test case of its
 * own, first in the EU AI Act's suite (skipped before the point applies). The counts on
 * `<testsuite>` and `<testsuites>` are those of the test cases, which are those of `--json`
 * (`total`, `gaps`, `notApplicable` + `gapsUpcoming`) plus the prohibited practices.
 *
 * Built as a DOM and written by @xmldom/xmldom's XMLSerializer, which escapes text and attribute
 * values; every text goes through `xmlText` (characters XML 1.0 cannot carry become U+FFFD). No
 * timestamps or durations: the same assessment gives the same bytes.
 */
import { DOMImplementation, XMLSerializer, type Document, type Element } from '@xmldom/xmldom'
import type { CatalogSet } from '../catalog/types.js'
import type { ClassificationResult } from '../classify/types.js'
import { xmlText } from '../xml.js'
import { prohibitedFindings, type ProhibitedFinding } from './prohibited-findings.js'
import type { AssessmentResult, FrameworkSummary, ObligationAssessment } from './types.js'

interface Outcome {
  kind: 'passed' | 'failure' | 'skipped'
  message?: string
  type?: string
  text?: string
}

/** What a JUnit reader is told about one obligation. */
function outcomeOf(o: ObligationAssessment): Outcome {
  if (o.status === 'met') return { kind: 'passed' }
  if (o.status === 'not-applicable') return { kind: 'skipped', message: o.reason }
  if (o.inForce === false)
    return {
      kind: 'skipped',
      message: `applies from ${o.appliesFrom ?? 'a later date'}; ${o.status} now: ${o.reason}`,
    }
  const text = [o.reason, o.action].filter((t) => t !== undefined && t !== '').join('\n\n')
  return { kind: 'failure', message: o.reason, type: o.status, text }
}

/** A prohibited practice: a failure when in force, else skipped until it applies. */
function practiceOutcome(p: ProhibitedFinding): Outcome {
  return p.inForce
    ? { kind: 'failure', message: p.message, type: 'prohibited', text: p.message }
    : { kind: 'skipped', message: p.message }
}

interface Case {
  classname: string
  name: string
  outcome: Outcome
}

/**
 * The JUnit XML report of `result` (UTF-8, XML 1.0). The prohibited practices of `classification`
 * come first in the EU AI Act's suite (`catalogs` give their titles).
 */
export function buildJunit(
  classification: Pick<ClassificationResult, 'euAiAct'>,
  result: AssessmentResult,
  catalogs?: CatalogSet,
): string {
  const doc = new DOMImplementation().createDocument(null, 'testsuites', null)
  const root = doc.documentElement as Element
  const practices: Case[] = prohibitedFindings(classification.euAiAct, catalogs).map((p) => ({
    classname: 'eu-ai-act',
    name: `${p.id} ${p.title}`,
    outcome: practiceOutcome(p),
  }))
  const summaries: Pick<FrameworkSummary, 'framework' | 'name' | 'readiness' | 'binding'>[] =
    result.frameworks
  if (practices.length > 0 && !summaries.some((f) => f.framework === 'eu-ai-act'))
    // Not assessed (--frameworks), yet prohibited: the suite holds the practices alone.
    summaries.unshift({
      framework: 'eu-ai-act',
      name: 'EU Artificial Intelligence Act',
      readiness: 0,
      binding: true,
    })
  const suites = summaries.map((summary) => {
    const cases: Case[] = [
      ...(summary.framework === 'eu-ai-act' ? practices : []),
      ...result.obligations
        .filter((o) => o.framework === summary.framework)
        .map((o) => ({
          classname: o.framework,
          name: `${o.id} ${o.title}`,
          outcome: outcomeOf(o),
        })),
    ]
    return { summary, cases, counts: countsOf(cases.map((c) => c.outcome)) }
  })
  const total = countsOf(suites.flatMap((s) => s.cases.map((c) => c.outcome)))
  const law = result.lawVersion ? ` under ${result.lawVersion.title}` : ''
  setAttributes(root, {
    name: `accord assess: ${result.system.name} ${result.system.version} as of ${result.asOf}${law}`,
    ...total,
  })

  for (const { summary, cases, counts } of suites) {
    const suite = child(doc, root, 1, 'testsuite', { name: summary.framework, ...counts })
    const properties = child(doc, suite, 2, 'properties')
    const props: Record<string, string> = {
      framework: summary.name,
      binding: String(summary.binding ?? false),
      readiness: String(summary.readiness),
      asOf: result.asOf,
      system: `${result.system.name} ${result.system.version}`,
      manifestSha256: result.manifestSha256,
      ...(result.lawVersion && summary.framework === 'eu-ai-act'
        ? { lawVersion: result.lawVersion.id }
        : {}),
    }
    for (const [name, value] of Object.entries(props))
      child(doc, properties, 3, 'property', { name, value })
    close(doc, properties, 2)
    for (const { classname, name, outcome } of cases) {
      const testcase = child(doc, suite, 2, 'testcase', { classname, name })
      if (outcome.kind === 'passed') continue
      const el = child(doc, testcase, 3, outcome.kind, {
        message: outcome.message ?? '',
        ...(outcome.type === undefined ? {} : { type: outcome.type }),
      })
      if (outcome.text !== undefined) el.appendChild(doc.createTextNode(xmlText(outcome.text)))
      close(doc, testcase, 2)
    }
    close(doc, suite, 1)
  }
  close(doc, root, 0)
  const xml = new XMLSerializer().serializeToString(doc, { requireWellFormed: true })
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`
}

interface Counts {
  tests: number
  failures: number
  errors: number
  skipped: number
}

function countsOf(outcomes: readonly Outcome[]): Counts {
  return {
    tests: outcomes.length,
    failures: outcomes.filter((o) => o.kind === 'failure').length,
    errors: 0,
    skipped: outcomes.filter((o) => o.kind === 'skipped').length,
  }
}

function setAttributes(el: Element, attrs: Record<string, string | number>): void {
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, xmlText(String(v)))
}

/** Appends an element on its own line, indented by `depth` (readers ignore the white space). */
function child(
  doc: Document,
  parent: Element,
  depth: number,
  name: string,
  attrs: Record<string, string | number> = {},
): Element {
  parent.appendChild(doc.createTextNode('\n' + '  '.repeat(depth)))
  const el = doc.createElement(name)
  setAttributes(el, attrs)
  parent.appendChild(el)
  return el
}

/** Puts the end tag of `el`, which has children, on its own line at `depth`. */
function close(doc: Document, el: Element, depth: number): void {
  if (el.hasChildNodes()) el.appendChild(doc.createTextNode('\n' + '  '.repeat(depth)))
}
