/** File names of the generated documents, in the order they are produced. */
export const DOCUMENT_FILES = {
  annexIv: 'annex-iv-technical-documentation.md',
  declaration: 'eu-declaration-of-conformity.md',
  nistProfile: 'nist-ai-rmf-profile.md',
  classification: 'classification-report.md',
  index: 'index.md',
} as const

/** `x.md` -> `x.html` */
export function htmlName(markdownName: string): string {
  return markdownName.replace(/\.md$/, '.html')
}
