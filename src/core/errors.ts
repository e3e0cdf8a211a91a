/**
 * Errors of Accord. One base class with a stable `code`; a few subclasses per domain.
 *
 * Rules (see docs/errors.md):
 * - API misuse throws `TypeError`.
 * - Untrusted input (manifests, catalogs, evidence, arguments) throws an `AccordError` with a code.
 * - Validation collects *all* issues and reports them together as `Issue[]`.
 * - Non-compliance is a finding in the result, never an exception.
 *
 * Only adapters (CLI, server) read the exit-code / HTTP-status table below.
 */

export type AccordErrorCode =
  | 'ERR_CONFIG_BAD_ARGS'
  | 'ERR_CONFIG_BAD_DATE'
  | 'ERR_CONFIG_POLICY_NOT_FOUND'
  | 'ERR_CONFIG_POLICY_INVALID'
  | 'ERR_MANIFEST_NOT_FOUND'
  | 'ERR_MANIFEST_PARSE'
  | 'ERR_MANIFEST_INVALID'
  | 'ERR_CATALOG_NOT_FOUND'
  | 'ERR_CATALOG_PARSE'
  | 'ERR_CATALOG_INVALID'
  | 'ERR_EVIDENCE_NOT_FOUND'
  | 'ERR_EVIDENCE_OUTSIDE_ROOT'
  | 'ERR_EVIDENCE_EMPTY'
  | 'ERR_EVIDENCE_UNREADABLE'
  | 'ERR_DOCUMENT_WRITE'
  | 'ERR_DOCUMENT_EXISTS'
  | 'ERR_DOCUMENT_CHROMIUM_MISSING'
  | 'ERR_SCHEMA_STALE'
  | 'ERR_PASSPORT_KEY_NOT_FOUND'
  | 'ERR_PASSPORT_KEY_INVALID'
  | 'ERR_PASSPORT_KEY_PERMISSIONS'
  | 'ERR_PASSPORT_KEY_EXISTS'
  | 'ERR_PASSPORT_KEY_WRITE'
  | 'ERR_PASSPORT_NOT_FOUND'
  | 'ERR_PASSPORT_MALFORMED'
  | 'ERR_PASSPORT_SIGNATURE_INVALID'
  | 'ERR_PASSPORT_DISCLOSURE_UNKNOWN'
  | 'ERR_PASSPORT_HOLDER_KEY'
  | 'ERR_PASSPORT_STATUS_NOT_FOUND'
  | 'ERR_PASSPORT_STATUS_KEY_MISMATCH'
  | 'ERR_PASSPORT_STATUS_LIST_INVALID'
  | 'ERR_PASSPORT_STATUS_LIST_SUB_MISMATCH'
  | 'ERR_PASSPORT_STATUS_LIST_FULL'
  | 'ERR_PASSPORT_STATUS_STORE_INVALID'
  | 'ERR_PASSPORT_STATUS_STORE_LOCKED'
  | 'ERR_PASSPORT_STATUS_UNAVAILABLE'
  | 'ERR_PASSPORT_STATUS_NOT_PUBLISHED'
  | 'ERR_CONFIG_FILE_NOT_FOUND'
  | 'ERR_EVIDENCE_PROOF_INVALID'
  | 'ERR_EVIDENCE_IMPORT_INVALID'
  | 'ERR_PASSPORT_MODEL_SIGNATURE_MALFORMED'
  | 'ERR_PASSPORT_MODEL_KEY_INVALID'
  | 'ERR_STORE_UNAVAILABLE'
  | 'ERR_STORE_MIGRATION_CHANGED'
  | 'ERR_STORE_CONFLICT'
  | 'ERR_STORE_NOT_FOUND'
  | 'ERR_STORE_BAD_CURSOR'
  | 'ERR_PASSPORT_NO_PREVIOUS_VERSION'
  | 'ERR_TLOG_BAD_RANGE'
  | 'ERR_TLOG_UNAVAILABLE'
  | 'ERR_TLOG_INVALID'
  | 'ERR_TLOG_CORRUPT'
  | 'ERR_PASSPORT_REQUEST_UNAUTHENTICATED'
  | 'ERR_PASSPORT_REQUEST_WRONG_AUDIENCE'
  | 'ERR_PASSPORT_REQUEST_FORBIDDEN'
  | 'ERR_PASSPORT_REJECTED'
  | 'ERR_PASSPORT_INCIDENT_NOT_FOUND'
  | 'ERR_PASSPORT_INCIDENT_INVALID'
  | 'ERR_PASSPORT_INCIDENT_REJECTED'
  | 'ERR_PASSPORT_EVALUATION_NOT_FOUND'
  | 'ERR_PASSPORT_EVALUATION_INVALID'
  | 'ERR_PASSPORT_EVALUATION_REJECTED'
  | 'ERR_CONFIG_BAD_REQUEST'
  | 'ERR_CONFIG_REQUEST_TOO_LARGE'
  | 'ERR_CONFIG_RATE_LIMITED'
  | 'ERR_CONFIG_PORT_UNAVAILABLE'
  | 'ERR_CONFIG_QUESTIONNAIRE_NOT_FOUND'
  | 'ERR_CONFIG_QUESTIONNAIRE_INVALID'
  | 'ERR_INTERNAL'

/** One problem found while validating input. `path` is a JSON path into the input. */
export interface Issue {
  code: string
  /** Path of the offending value inside the document, e.g. `['evidence', 2, 'path']`. */
  path: (string | number)[]
  message: string
  /** File the issue is in, when known. */
  file?: string
  /** 1-based line and column, when the input kept source positions. */
  line?: number
  column?: number
  /** What to do about it. */
  hint?: string
}

export interface AccordErrorOptions {
  code: AccordErrorCode
  message: string
  cause?: unknown
  issues?: Issue[]
  details?: Record<string, unknown>
}

export class AccordError extends Error {
  readonly code: AccordErrorCode
  readonly issues: Issue[]
  readonly details: Record<string, unknown> | undefined

  constructor(options: AccordErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = this.constructor.name
    this.code = options.code
    this.issues = options.issues ?? []
    this.details = options.details
  }
}

export class ConfigError extends AccordError {}
export class ManifestError extends AccordError {}
export class CatalogError extends AccordError {}
export class EvidenceError extends AccordError {}
export class DocumentError extends AccordError {}
export class PassportError extends AccordError {}
export class StoreError extends AccordError {}
export class TlogError extends AccordError {}

/** Exit codes of the CLI. */
export const EXIT = {
  ok: 0,
  /** The command ran but found what it is meant to report (gaps remain, prohibited, ...). */
  findings: 1,
  badArgs: 2,
  invalidInput: 3,
  verificationFailed: 4,
  io: 5,
  internal: 70,
} as const

/**
 * What each exit code means, for the help footer, README.md and docs/errors.md (tests keep the
 * three equal to this table).
 */
export const EXIT_MEANING: Record<keyof typeof EXIT, string> = {
  ok: 'success; `verify`: the passport is accepted',
  findings:
    'findings: gaps remain among in-force obligations (`assess`, see `--fail-on`), the system is prohibited (`classify`, `assess`), generated schemas are stale (`schema --check`), no mapping connects two frameworks (`crosswalk`), a change is worse for the buyer (`diff`, see `--fail-on`), a question names an obligation in force that is partial or missing (`answer`); `verify`: the passport is rejected',
  badArgs:
    'bad arguments: an unknown command or option, a missing argument or required option, a value not allowed (e.g. a malformed `--as-of`), conflicting options; `verify`: indeterminate (e.g. the policy requires a status list and none was given)',
  invalidInput:
    'invalid input: a manifest, catalog, evidence, policy, questionnaire, key or passport that is malformed, each problem with file, line, column and fix',
  verificationFailed:
    "verification failed or refused: a key that is not the passport issuer's (`revoke`), a failed check (`evidence check`, `status show --key`, `model-signing verify`, `log`, `incident show`, `evaluation show`), a passport whose signature does not check against `--issuer-jwk` (`incident report`, `incident show`, `diff`), a passport, report, result or request refused by the registry (`publish`, `incident publish`, `evaluation publish`), a registry whose checkpoint, log entries or listed statements do not check against the log key pinned with `--log-key` (`publish`, `revoke`, `status publish`, `incident publish`/`list`, `evaluation publish`/`list`)",
  io: 'a file, database, registry or log could not be read, written or reached, a file to create already exists (`init`, `keys generate`), or a port could not be listened on (`serve`, `demo`)',
  internal: 'internal error: a bug in Accord (please report it with the command and its input)',
}

export interface ErrorCodeInfo {
  exit: number
  http: number
  summary: string
  fix: string
}

/** The one table mapping each code to its exit code, HTTP status and how to fix it. */
export const ERROR_CODES: Record<AccordErrorCode, ErrorCodeInfo> = {
  ERR_CONFIG_BAD_ARGS: {
    exit: EXIT.badArgs,
    http: 400,
    summary: 'A command-line argument or option is missing or malformed.',
    fix: 'Run the command with --help and correct the argument named in the message.',
  },
  ERR_CONFIG_BAD_DATE: {
    exit: EXIT.badArgs,
    http: 400,
    summary:
      'A date (--as-of, --at) is not a real calendar date in YYYY-MM-DD form (--at: or an ISO 8601 date-time).',
    fix: 'Give the option named in the message a real date as YYYY-MM-DD, for example --as-of 2027-12-02 or --at 2027-12-02; --at also takes a date-time such as 2027-12-02T09:30:00Z.',
  },
  ERR_CONFIG_POLICY_NOT_FOUND: {
    exit: EXIT.io,
    http: 404,
    summary: 'The acceptance policy file does not exist or cannot be read.',
    fix: 'Check the --policy path; to start a new policy, copy one of policies/*.yaml.',
  },
  ERR_CONFIG_POLICY_INVALID: {
    exit: EXIT.invalidInput,
    http: 422,
    summary:
      'The acceptance policy is not well-formed YAML, does not match the policy schema, or names a key file or obligation that cannot be used.',
    fix: 'Correct each listed field at the line given; docs/policies.md describes every field.',
  },
  ERR_MANIFEST_NOT_FOUND: {
    exit: EXIT.io,
    http: 404,
    summary: 'The system manifest file does not exist or cannot be read.',
    fix: 'Check the path; to start a new one, run `accord init` (or copy one of examples/*/accord.yaml).',
  },
  ERR_MANIFEST_PARSE: {
    exit: EXIT.invalidInput,
    http: 400,
    summary: 'The manifest is not well-formed YAML or JSON.',
    fix: 'Fix the syntax at the line and column given (indentation, quotes, colons).',
  },
  ERR_MANIFEST_INVALID: {
    exit: EXIT.invalidInput,
    http: 422,
    summary: 'The manifest does not match the manifest schema or contradicts itself.',
    fix: 'Correct each listed field; schema/manifest.v1.schema.json gives editors autocompletion.',
  },
  ERR_CATALOG_NOT_FOUND: {
    exit: EXIT.io,
    http: 500,
    summary: 'A catalog or mapping file is missing.',
    fix: 'Reinstall Accord or point --catalogs at a directory holding the catalog files.',
  },
  ERR_CATALOG_PARSE: {
    exit: EXIT.invalidInput,
    http: 500,
    summary: 'A catalog or mapping file is not valid JSON.',
    fix: 'Fix the JSON syntax at the position given.',
  },
  ERR_CATALOG_INVALID: {
    exit: EXIT.invalidInput,
    http: 500,
    summary: 'A catalog or mapping file fails its schema or its semantic checks.',
    fix: 'Correct each listed node (unique IDs, parents that exist, mapping targets that exist).',
  },
  ERR_EVIDENCE_NOT_FOUND: {
    exit: EXIT.invalidInput,
    http: 422,
    summary: 'An evidence file or model artifact named in the manifest does not exist.',
    fix: 'Fix each path named above at its line, or add the file (each problem says where it looked).',
  },
  ERR_EVIDENCE_OUTSIDE_ROOT: {
    exit: EXIT.invalidInput,
    http: 422,
    summary: "An evidence path points outside the manifest's folder.",
    fix: "Move the file under the manifest's folder and use a relative path without '..'.",
  },
  ERR_EVIDENCE_EMPTY: {
    exit: EXIT.invalidInput,
    http: 422,
    summary: 'An evidence file is empty, so it proves nothing.',
    fix: 'Put the document in the file, or remove the evidence entry.',
  },
  ERR_EVIDENCE_UNREADABLE: {
    exit: EXIT.io,
    http: 500,
    summary: 'An evidence file exists but cannot be read (permissions, or it is a directory).',
    fix: 'Make the path a readable regular file.',
  },
  ERR_DOCUMENT_WRITE: {
    exit: EXIT.io,
    http: 500,
    summary:
      'An output file (generated documents, a passport, a report such as --sarif or --junit) could not be written.',
    fix: 'Check that the folder named in the message is writable and the disk has room; nothing was left half-written.',
  },
  ERR_DOCUMENT_EXISTS: {
    exit: EXIT.io,
    http: 409,
    summary: 'A file a command creates (the starter manifest of `accord init`) already exists.',
    fix: 'Pass --force to replace it, or give another folder or --file; nothing was changed.',
  },
  ERR_DOCUMENT_CHROMIUM_MISSING: {
    exit: EXIT.io,
    http: 500,
    summary:
      'PDF documents were asked for, but the Chromium that prints them is missing or does not start.',
    fix: 'apt-get install chromium (Debian), or point --chromium / ACCORD_CHROMIUM at a Chromium executable; or leave pdf out of --formats. Nothing was written.',
  },
  ERR_SCHEMA_STALE: {
    exit: EXIT.findings,
    http: 500,
    summary: 'A generated JSON Schema in schema/ differs from the code it is generated from.',
    fix: 'Run `npm run schema:generate` and commit the result.',
  },
  ERR_PASSPORT_KEY_NOT_FOUND: {
    exit: EXIT.io,
    http: 500,
    summary: 'A key file does not exist or cannot be read.',
    fix: 'Check the --key path; create a key pair with `accord keys generate --out DIR`.',
  },
  ERR_PASSPORT_KEY_INVALID: {
    exit: EXIT.invalidInput,
    http: 422,
    summary:
      'A key file is not a usable JWK or JWKS: not JSON, an unsupported key type or curve, a private member in a public key file, or a kid that is not its RFC 7638 thumbprint.',
    fix: 'Use an Ed25519 (OKP) or P-256 (EC) key made by `accord keys generate`; publish public keys with `accord keys export`.',
  },
  ERR_PASSPORT_KEY_PERMISSIONS: {
    exit: EXIT.io,
    http: 500,
    summary: 'A private key file can be read by the group or by others, so it is refused.',
    fix: 'Run `chmod 600 <file>`; if others may have read it, generate a new key and retire the old one.',
  },
  ERR_PASSPORT_KEY_EXISTS: {
    exit: EXIT.io,
    http: 409,
    summary: 'A key file already exists where a new key pair was to be written.',
    fix: 'Choose another --name or --out, or pass --force to replace the key (the old key is lost).',
  },
  ERR_PASSPORT_KEY_WRITE: {
    exit: EXIT.io,
    http: 500,
    summary: 'A key file could not be written.',
    fix: 'Check that the --out directory is writable and the disk has room.',
  },
  ERR_PASSPORT_STATUS_NOT_FOUND: {
    exit: EXIT.invalidInput,
    http: 422,
    summary:
      'A passport has no status reference, or its status list or index is not in the local status registry.',
    fix: 'Issue passports with a status list; run the command where the issuer keeps its --status-dir (default .accord/status).',
  },
  ERR_PASSPORT_STATUS_KEY_MISMATCH: {
    exit: EXIT.verificationFailed,
    http: 403,
    summary:
      "The key given is not the key that issued the passport, so it may not change the passport's status.",
    fix: "Use the issuer's private key whose kid equals the passport header kid.",
  },
  ERR_PASSPORT_STATUS_LIST_INVALID: {
    exit: EXIT.invalidInput,
    http: 422,
    summary:
      'A Status List Token is malformed: not a JWT with a status_list {bits, lst}, lst not ZLIB data, too large, or an index outside the list.',
    fix: 'Use the token written by `accord revoke` or `accord status sign` unchanged.',
  },
  ERR_PASSPORT_STATUS_LIST_SUB_MISMATCH: {
    exit: EXIT.invalidInput,
    http: 422,
    summary:
      "A Status List Token was uploaded under a list id its `sub` does not name: the last path segment of the token's `sub` (the list's uri) is another list id, or `sub` is not a URL. Verifiers of this list's passports would refuse it.",
    fix: 'Upload each list under the last path segment of its uri (PUT /api/v1/status-lists/<that id>), with the token `accord revoke` or `accord status sign` wrote for that list.',
  },
  ERR_PASSPORT_STATUS_LIST_FULL: {
    exit: EXIT.io,
    http: 507,
    summary: 'Every index of a status list has been allocated.',
    fix: 'Start a new status list (another list id) for new passports; indexes are never reused.',
  },
  ERR_PASSPORT_STATUS_STORE_INVALID: {
    exit: EXIT.invalidInput,
    http: 500,
    summary:
      'A status registry file in the status directory is not valid (hand-edited or damaged).',
    fix: 'Restore the <list>.state.json file from a backup; never edit it by hand (indexes must not be reused).',
  },
  ERR_PASSPORT_STATUS_STORE_LOCKED: {
    exit: EXIT.io,
    http: 503,
    summary:
      'Another process held the status registry lock of a list for too long, or took it over while this one worked.',
    fix: 'Retry when the other accord process has finished; if none is running, delete the <list>.state.json.lock folder left by a crashed one.',
  },
  ERR_PASSPORT_STATUS_UNAVAILABLE: {
    exit: EXIT.io,
    http: 502,
    summary:
      'A Status List Token could not be read or fetched (missing file, network error, timeout, too large).',
    fix: 'Check the path or URL given; a URL is fetched only when you pass one explicitly.',
  },
  ERR_PASSPORT_STATUS_NOT_PUBLISHED: {
    exit: EXIT.io,
    http: 502,
    summary:
      "`accord revoke --registry` changed the passport's entry in the issuer's local status list and re-signed the list, but the registry did not get all of it: the upload of the list or the record of the change in its log failed (the registry could not be reached, or refused; the message says which step and why).",
    fix: 'Nothing is lost: the local list is the source of truth and keeps the change. Fix what the message names, then run the command it gives: the same `accord revoke ... --registry URL` again (the local entry is not changed twice, and a status the registry already records counts as done), or `accord status publish` to upload the list alone.',
  },
  ERR_PASSPORT_NOT_FOUND: {
    exit: EXIT.io,
    http: 404,
    summary:
      'A passport file does not exist, is a directory or not a regular file, or cannot be read.',
    fix: 'Check the path; give the .sd-jwt file that `accord issue` or `accord present` wrote.',
  },
  ERR_PASSPORT_MALFORMED: {
    exit: EXIT.invalidInput,
    http: 400,
    summary:
      'A passport file is not a compact SD-JWT (`<jwt>~<disclosure>~...~`) or its parts do not decode.',
    fix: 'Pass the passport file exactly as `accord issue` wrote it; do not edit or re-wrap it.',
  },
  ERR_PASSPORT_SIGNATURE_INVALID: {
    exit: EXIT.verificationFailed,
    http: 422,
    summary:
      "A passport given with its issuer's public key (`accord incident report|show --issuer-jwk`) does not verify with that key: another key signed it, or its signature, claims or disclosures were altered.",
    fix: "Check that --issuer-jwk is the public key of the passport's issuer (the kid in its header); never use a passport that does not verify: ask the issuer for the passport as issued.",
  },
  ERR_PASSPORT_DISCLOSURE_UNKNOWN: {
    exit: EXIT.badArgs,
    http: 400,
    summary: 'A path to disclose names no selectively disclosable claim of this passport.',
    fix: 'Use one of the paths listed in the message, e.g. classification.eu-ai-act, obligations.nist-ai-rmf, evidence.items.0 or evidence:<id>.',
  },
  ERR_PASSPORT_HOLDER_KEY: {
    exit: EXIT.invalidInput,
    http: 422,
    summary:
      'Key binding was requested, but the passport has no holder key (`cnf`) or the key given is not that holder key.',
    fix: 'Issue the passport with the holder public key, and present it with the matching private key.',
  },
  ERR_CONFIG_FILE_NOT_FOUND: {
    exit: EXIT.io,
    http: 404,
    summary: 'A file named by a command-line option does not exist or cannot be read.',
    fix: 'Check the path given to the option named in the message.',
  },
  ERR_EVIDENCE_PROOF_INVALID: {
    exit: EXIT.invalidInput,
    http: 400,
    summary:
      'An evidence inclusion proof file is not JSON or not in the form `accord evidence prove --json` writes.',
    fix: 'Ask the vendor for the file exactly as `accord evidence prove MANIFEST --id ID --json` wrote it.',
  },
  ERR_EVIDENCE_IMPORT_INVALID: {
    exit: EXIT.invalidInput,
    http: 422,
    summary:
      'A file given to `accord import` (OSCAL assessment results, CycloneDX BOM, model card) is not valid JSON or YAML, fails its official schema, or lacks what Accord reads from it.',
    fix: 'Fix the file at each place listed (JSON path or line), or export it again from the tool that made it (OSCAL or CycloneDX: validate it against the official schema of its version; a model card: start it with YAML front matter holding model-index results).',
  },
  ERR_PASSPORT_MODEL_SIGNATURE_MALFORMED: {
    exit: EXIT.invalidInput,
    http: 400,
    summary:
      'A model signature is not a Sigstore bundle holding a DSSE envelope with an in-toto model-signing statement (OpenSSF model signing v1.0).',
    fix: 'Pass the model.sig file written by `model_signing sign` unchanged; the message names the field that is wrong.',
  },
  ERR_PASSPORT_MODEL_KEY_INVALID: {
    exit: EXIT.invalidInput,
    http: 400,
    summary:
      'A model-signing public key is not a PEM public key of a supported type (ECDSA P-256, P-384 or P-521, or Ed25519).',
    fix: 'Pass the PEM public key that matches the signing key (`-----BEGIN PUBLIC KEY-----`); text before the PEM block is ignored.',
  },
  ERR_STORE_UNAVAILABLE: {
    exit: EXIT.io,
    http: 503,
    summary:
      'The registry database cannot be reached or failed mid-transaction; nothing of the failed call was stored, unless the commit itself was lost (the message says so).',
    fix: 'Check DATABASE_URL and that PostgreSQL is running (or that the --data-dir is writable), then retry.',
  },
  ERR_STORE_MIGRATION_CHANGED: {
    exit: EXIT.io,
    http: 500,
    summary:
      'A database migration already applied differs from the file of the same version, or the database has a migration this version of Accord does not know.',
    fix: 'Never edit an applied file in migrations/: restore it and add a new numbered migration; or upgrade Accord to the version that made the database.',
  },
  ERR_STORE_CONFLICT: {
    exit: EXIT.invalidInput,
    http: 409,
    summary:
      'The write contradicts what is stored: a duplicate id or issuer JWT, a status change from revoked or to the current status, a status list older than the stored one or (checked by the CLI before it uploads) one that would lift a revocation the stored list holds, or a checkpoint that disagrees with the log.',
    fix: 'Read the stored record first; revocation is final and ids are never reused. For a status list, the message says which list is newer or which entries it would lift and from where to publish.',
  },
  ERR_STORE_NOT_FOUND: {
    exit: EXIT.invalidInput,
    http: 404,
    summary: 'The write refers to a passport that is not in the registry.',
    fix: 'Publish the passport first, or check the passport id (its jti).',
  },
  ERR_PASSPORT_NO_PREVIOUS_VERSION: {
    exit: EXIT.io,
    http: 404,
    summary:
      'GET /api/v1/passports/:id/changes without `since`: the passport is the oldest the registry holds of its system (GET /api/v1/systems/:subjectId/passports), so there is no previous version to compare it with.',
    fix: 'Nothing to compare: it is the first published version. To compare with another passport of the same system, name it with `?since=<passport id>`.',
  },
  ERR_STORE_BAD_CURSOR: {
    exit: EXIT.badArgs,
    http: 400,
    summary: 'A search cursor is not one the registry returned.',
    fix: 'Pass the nextCursor value of the previous page unchanged, or omit it to start again.',
  },
  ERR_TLOG_BAD_RANGE: {
    exit: EXIT.badArgs,
    http: 400,
    summary:
      'A transparency log request names an index, tree size or entry range outside the log (or too long a range).',
    fix: 'Read the current size from the checkpoint first; ask for 0 <= index < size <= log size, 0 < from <= to, and at most 1000 entries per request.',
  },
  ERR_TLOG_UNAVAILABLE: {
    exit: EXIT.io,
    http: 502,
    summary:
      'The registry or transparency log could not be reached, or answered with an error status or a response too large.',
    fix: 'Check the URL given (--registry or --log) and the network, then retry; a passport that did get published before the failure is then refused as already in the registry; a monitor keeps its last verified checkpoint meanwhile.',
  },
  ERR_TLOG_INVALID: {
    exit: EXIT.verificationFailed,
    http: 502,
    summary:
      'A checkpoint, proof or log entry is malformed, or a checkpoint is not signed by the log key given; or, with `--log-key`, a registry acknowledged or listed something its log (under a checkpoint signed by that key) does not hold as sent, or showed after a write a checkpoint that does not extend the one it showed before (a split view), or refused (HTTP 4xx) a proof between its own signed checkpoints or of an index it acknowledged.',
    fix: "Check that --key (`accord log`) or --log-key (`accord verify`, and the commands that write to or list from a registry), or ACCORD_LOG_KEY where the option is not given, is the log's public key (a C2SP verifier key or the JWK) and that the URL is that log's registry; if both are right, the log is misbehaving: keep the output as evidence.",
  },
  ERR_TLOG_CORRUPT: {
    exit: EXIT.io,
    http: 500,
    summary:
      'The stored log does not match a checkpoint it signed earlier (entries changed or lost), so the registry refuses to start.',
    fix: 'Restore the database from a backup taken after the last checkpoint; never edit log_entries by hand.',
  },
  ERR_PASSPORT_REQUEST_UNAUTHENTICATED: {
    exit: EXIT.verificationFailed,
    http: 401,
    summary:
      'A registry write lacks a valid signed request: no `Authorization: Accord-Signature` header, a bad signature, a stale `iat`, a reused `jti`, or a body that does not match `body_sha256`.',
    fix: 'Send the request with `accord publish` (or sign `{aud, htm, htu, iat, jti, body_sha256}` with the issuer key, header `jwk` and `kid`); use a fresh jti and the current time.',
  },
  ERR_PASSPORT_REQUEST_WRONG_AUDIENCE: {
    exit: EXIT.verificationFailed,
    http: 401,
    summary:
      "A signed registry write has no `aud`, or was signed for another registry: its `aud` is not this registry's audience.",
    fix: 'Sign the request for the registry you send it to: read `audience` from its `GET /api/v1/registry` and put it in the payload as `aud` (`accord publish` does). A client that signs no `aud` is older than the registry: update it.',
  },
  ERR_PASSPORT_REQUEST_FORBIDDEN: {
    exit: EXIT.verificationFailed,
    http: 403,
    summary:
      'The signed request is valid, but its key is not the key of the passport or status list it acts on.',
    fix: 'Sign the request with the issuer key that signed the passport (its header kid); only the issuer may publish or change its passports.',
  },
  ERR_PASSPORT_REJECTED: {
    exit: EXIT.verificationFailed,
    http: 422,
    summary:
      'The registry verified the passport, endorsement, incident report, evaluation result or status list sent to it and refused it; `reason` gives the verification reason code.',
    fix: 'Run `accord verify` on the token locally, fix what the reason names (e.g. re-issue an expired passport) and send it again.',
  },
  ERR_PASSPORT_INCIDENT_NOT_FOUND: {
    exit: EXIT.io,
    http: 404,
    summary:
      'An incident file (`accord incident report --file`) or incident report file (`--follows`, `accord incident show`, `accord incident publish`) does not exist or cannot be read.',
    fix: 'Check the path; examples/border-biometrics/incident.yaml is an incident file to start from.',
  },
  ERR_PASSPORT_INCIDENT_INVALID: {
    exit: EXIT.invalidInput,
    http: 422,
    summary:
      'An incident file is not well-formed YAML or JSON, has an unknown or missing field, or contradicts itself (serious with no harms, a final report still open, awareness before the incident...); or a file given as an incident report is not one.',
    fix: 'Correct each listed field at the line and column given; docs/incidents.md describes every field. For a report file, give the `.sd-jwt` file `accord incident report` wrote.',
  },
  ERR_PASSPORT_INCIDENT_REJECTED: {
    exit: EXIT.verificationFailed,
    http: 422,
    summary:
      'An incident report does not verify: it was signed by another key than the one given, its signature or claims were altered, it is about another passport, or (with `--follows`) the key is not the one that signed the earlier report.',
    fix: "Check that --jwk is the reporter's public key and --passport the passport the report names; a follow-up must be signed with the key of the initial report. Never edit a signed report: write a follow-up instead.",
  },
  ERR_PASSPORT_EVALUATION_NOT_FOUND: {
    exit: EXIT.io,
    http: 404,
    summary:
      'An evaluation file (`accord evaluation report --file`) or evaluation result file (`accord evaluation show`, `accord evaluation publish`) does not exist or cannot be read.',
    fix: 'Check the path; examples/border-biometrics/evaluation.yaml is an evaluation file to start from.',
  },
  ERR_PASSPORT_EVALUATION_INVALID: {
    exit: EXIT.invalidInput,
    http: 422,
    summary:
      "An evaluation file is not well-formed YAML or JSON, has an unknown or missing field, contradicts itself (a threshold's met flag that disagrees with the value, a value outside its confidence interval...) or names an artifact the passport does not commit to; or a file given as an evaluation result is not one.",
    fix: "Correct each listed field at the line and column given; docs/evaluations.md describes every field. Artifacts are named by a SHA-256 of the passport's artifacts claim. For a result file, give the `.sd-jwt` file `accord evaluation report` wrote.",
  },
  ERR_PASSPORT_EVALUATION_REJECTED: {
    exit: EXIT.verificationFailed,
    http: 422,
    summary:
      'An evaluation result does not verify: it was signed by another key than the one given, its signature or claims were altered, or it is about another passport or an artifact the passport does not commit to.',
    fix: "Check that --jwk is the evaluator's public key and --passport the passport the result names. Never edit a signed result: sign a new one.",
  },
  ERR_CONFIG_BAD_REQUEST: {
    exit: EXIT.badArgs,
    http: 400,
    summary:
      'An HTTP request body or query is not valid JSON, does not match the API schema, or has text the database cannot store (a NUL character, U+0000).',
    fix: 'Compare the request with docs/api.md or GET /openapi.json; the message names the field.',
  },
  ERR_CONFIG_REQUEST_TOO_LARGE: {
    exit: EXIT.badArgs,
    http: 413,
    summary: 'An HTTP request body is larger than the registry accepts for that route.',
    fix: 'Passports must be at most 256 KiB and status list tokens 2 MiB; send the token unchanged, without padding.',
  },
  ERR_CONFIG_RATE_LIMITED: {
    exit: EXIT.io,
    http: 429,
    summary:
      'Too many requests from this client in the current window (429), or as many clients as the registry serves already follow its log event stream (503).',
    fix: 'Wait for the number of seconds in the Retry-After header, then retry; batch reads with the search endpoint.',
  },
  ERR_CONFIG_QUESTIONNAIRE_NOT_FOUND: {
    exit: EXIT.io,
    http: 404,
    summary: 'The questionnaire file (`accord answer`) does not exist or cannot be read.',
    fix: 'Check the path; examples/questionnaires/police-procurement.yaml and .xlsx are questionnaires to start from.',
  },
  ERR_CONFIG_QUESTIONNAIRE_INVALID: {
    exit: EXIT.invalidInput,
    http: 422,
    summary:
      'A questionnaire is not well-formed YAML, JSON, CSV or XLSX, is larger than the limits, lacks the id or question column or the sheet named by --sheet, repeats a question id, or names an obligation or manifest field that does not exist.',
    fix: 'Correct each listed problem at the line and column (or cell) given; docs/questionnaires.md describes the format and the columns (--columns names other headers, --sheet another sheet).',
  },
  ERR_CONFIG_PORT_UNAVAILABLE: {
    exit: EXIT.io,
    http: 500,
    summary:
      "The registry (`accord serve`, `accord demo`) could not listen on the --host and --port given: another process holds the port, the port needs privileges, or the address is not one of this machine's. Nothing was left running, and the port is tried before the data directory and log key are created.",
    fix: 'Stop the other server or choose another --port (0 picks a free one); use a port of 1024 or above, or a --host this machine has (127.0.0.1, 0.0.0.0).',
  },
  ERR_INTERNAL: {
    exit: EXIT.internal,
    http: 500,
    summary: 'An unexpected internal error (a bug in Accord).',
    fix: 'Report it with the command and input that caused it.',
  },
}

/** Formats issues for a terminal: one block per issue, with place, message and hint. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues
    .map((i) => {
      const where = [i.file, i.line === undefined ? undefined : `${i.line}:${i.column ?? 1}`]
        .filter((x) => x !== undefined)
        .join(':')
      const path = i.path.length > 0 ? ` at ${formatPath(i.path)}` : ''
      const head = `${where ? where + ': ' : ''}${i.message}${path} [${i.code}]`
      return i.hint ? `${head}\n  fix: ${i.hint}` : head
    })
    .join('\n')
}

/** `['evidence', 2, 'path']` -> `evidence[2].path` */
export function formatPath(path: readonly (string | number)[]): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p
  return out
}
