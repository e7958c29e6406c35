// A PostgreSQL database of its own for a test run: created on the server the tests are given
// (STEPWRIGHT_TEST_POSTGRES, default postgres://postgres@127.0.0.1:5432/test), dropped after.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_SERVER_URL = process.env.STEPWRIGHT_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL cannot be used for tests, or undefined when it can. */
export async function postgresUnavailable(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: TEST_SERVER_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('select 1');
    return undefined;
  } catch (e) {
    return `no PostgreSQL at ${TEST_SERVER_URL} (${e instanceof Error ? e.message : String(e)}); set STEPWRIGHT_TEST_POSTGRES to run these tests`;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Creates stepwright_test_<random> and answers its URL and how to drop it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `stepwright_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_SERVER_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
