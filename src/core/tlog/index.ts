/**
 * The transparency log, pure parts: log entry encoding (entry.ts), C2SP signed notes (note.ts)
 * and tlog-checkpoints (checkpoint.ts), client-side proof checks (proof.ts) and the HTTP API
 * shared by server and clients (api.ts). The registry service is src/node/tlog/registry.ts.
 * See docs/transparency-log.md.
 */
export * from './api.js'
export * from './checkpoint.js'
export * from './entry.js'
export * from './note.js'
export * from './proof.js'
