/** The package version (src/node/version.ts), for the CLI. */
export { VERSION } from '../node/version.js'
