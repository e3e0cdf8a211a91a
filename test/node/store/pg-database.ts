/**
 * A throwaway database on the PostgreSQL server at DATABASE_URL (scripts/pg-test.sh), for tests
 * that need one of their own.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** Runs one statement on the server's default database. */
async function onServer(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    await c.query(sql)
  } finally {
    await c.end()
  }
}

/** Creates an empty database named `<prefix>_<random>`; returns its URL, name and how to drop it. */
export async function newPostgresDatabase(
  prefix: string,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const server = process.env.DATABASE_URL
  if (!server) throw new Error('newPostgresDatabase needs DATABASE_URL')
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
  // Identifiers cannot be parameters; the name is ours ([a-z0-9_] only).
  await onServer(server, `CREATE DATABASE ${name}`)
  const u = new URL(server)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    name,
    drop: () => onServer(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  }
}
