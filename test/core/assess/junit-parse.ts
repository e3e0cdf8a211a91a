/**
 * Reads JUnit XML with an independent parser (Debian's python3, xml.etree): the root's tag and
 * attributes, and per suite its attributes, properties and test cases with their outcome.
 */
import { execFileSync } from 'node:child_process'

const PYTHON = '/usr/bin/python3'

/** Parses JUnit XML with python3's xml.etree: suites with counts, cases with their outcome. */
const JUNIT_PARSER = `
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
def outcome(tc):
    for k in ('failure', 'skipped', 'error'):
        e = tc.find(k)
        if e is not None:
            return {'kind': k, 'message': e.get('message'), 'type': e.get('type'), 'text': e.text}
    return {'kind': 'passed'}
print(json.dumps({
  'tag': root.tag, 'attrs': dict(root.attrib),
  'suites': [{
    'attrs': dict(s.attrib),
    'properties': {p.get('name'): p.get('value') for p in s.iter('property')},
    'cases': [dict(tc.attrib, **outcome(tc)) for tc in s.findall('testcase')],
  } for s in root.findall('testsuite')],
}))
`

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parseJunit(xml: string): any {
  return JSON.parse(execFileSync(PYTHON, ['-c', JUNIT_PARSER], { input: xml, encoding: 'utf8' }))
}
