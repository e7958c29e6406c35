// A cluster over one PostgreSQL database: `stepwright server --serve-only` processes answer the
// APIs, three `stepwright worker` processes advance the executions and run their functions. 500
// executions with Wait and Lambda tasks; one worker is killed with SIGKILL twice during the run
// (restarted each time). Every execution must end SUCCEEDED exactly once with a gapless history.
// Then a second server: an activity task and a callback token are answered through either server.
// The database going down mid-run: cluster-outage.test.ts.
import path from 'node:path';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable } from '../store/postgres-database.js';
import { CLUSTER_CREDENTIALS, CLUSTER_MACHINE, kill9, startCluster, startServer, type Cluster, type ClusterProcess } from './cluster-support.js';

// STEPWRIGHT_CLUSTER_EXECUTIONS makes a quicker run on a machine busy with other work.
const COUNT = Number(process.env.STEPWRIGHT_CLUSTER_EXECUTIONS ?? 500);
const LEASE_MS = 2000;
const ROLE = 'arn:aws:iam::123456789012:role/r';

const unavailable = await postgresUnavailable();
if (unavailable !== undefined && process.env.CI !== 'true') console.warn(`Skipping the cluster test: ${unavailable}`);

describe.skipIf(unavailable !== undefined && process.env.CI !== 'true')('a cluster: servers and workers over one PostgreSQL database', () => {
  let cluster: Cluster;
  const until = (what: string, done: () => Promise<boolean>, timeoutMs: number): Promise<void> => cluster.until(what, done, timeoutMs);

  /**
   * Kills the worker with SIGKILL while it holds claims on running executions, and answers how
   * long until every execution it held had been advanced by another worker (the failover time).
   */
  async function killWhileHolding(victim: ClusterProcess, id: string): Promise<number> {
    await until(`${id} to hold claims`, async () => (await cluster.count("lease_owner = $1 and status = 'RUNNING'", [id])) > 0, 120_000);
    const killedAt = Date.now();
    await kill9(victim);
    // What it held when it died, read after the kill: a commit of its that was landing at the kill
    // does not count as another worker moving the execution on.
    const held = (await cluster.sql.query<{ id: number; version: number }>("select id, version from executions where lease_owner = $1 and status = 'RUNNING'", [id])).rows;
    await until(
      `the executions ${id} held to move on`,
      async () => {
        const rows = (await cluster.sql.query<{ id: number; version: number; status: string }>('select id, version, status from executions where id = any($1)', [held.map((h) => h.id)])).rows;
        return rows.every((r) => r.status !== 'RUNNING' || r.version > held.find((h) => h.id === r.id)!.version);
      },
      60_000,
    );
    const ms = Date.now() - killedAt;
    console.log(`cluster: ${held.length} executions ${id} held at its kill moved on ${ms} ms after it`);
    return ms;
  }

  beforeAll(async () => {
    if (unavailable !== undefined) throw new Error(unavailable);
    cluster = await startCluster({ leaseMs: LEASE_MS, workers: ['a', 'b', 'c'], serverDataDir: 'data-1' });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  }, 120_000);

  it('runs 500 executions to SUCCEEDED exactly once, gapless, while one worker is killed with SIGKILL twice', async () => {
    const { stateMachineArn } = await cluster.sfn.send(new CreateStateMachineCommand({ name: 'cluster', definition: JSON.stringify(CLUSTER_MACHINE), roleArn: ROLE }));
    const arns: string[] = new Array<string>(COUNT);
    let next = 0;
    const startUpTo = (limit: number) =>
      Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = next++; i < limit; i = next++) {
            const r = await cluster.sfn.send(new StartExecutionCommand({ stateMachineArn, name: `e${i}`, input: JSON.stringify({ n: i }) }));
            arns[i] = r.executionArn!;
          }
          next = Math.min(next, limit);
        }),
      );
    // The first kill while executions are still being started, the second after. The last tenth is
    // started once the restarted worker runs: the work it hears of then is what it is killed
    // holding (without it, the others may have taken all that is left before it polls once).
    const starting = startUpTo(COUNT - Math.floor(COUNT / 10));
    await until('a tenth of the executions to start', async () => next > COUNT / 10, 120_000);
    const first = await killWhileHolding(cluster.processes[1], 'a');
    await cluster.worker('a-2');
    await starting;
    await startUpTo(COUNT);
    const second = await killWhileHolding(cluster.processes[cluster.processes.length - 1], 'a-2');
    await cluster.worker('a-3');
    console.log(`cluster: executions held by a killed worker (lease ${LEASE_MS} ms) moved on ${first} ms and ${second} ms after the kills`);
    await until('every execution to end', async () => (await cluster.count("status = 'RUNNING'")) === 0, 360_000);

    for (let i = 0; i < COUNT; i++) {
      const e = await cluster.store.getExecution(arns[i]);
      expect(e?.status, arns[i]).toBe('SUCCEEDED');
      expect(JSON.parse(e!.output!)).toEqual({ n: 4 * i });
      const { events } = await cluster.store.getHistory(arns[i]);
      expect(events.map((x) => x.id)).toEqual(events.map((_, k) => k + 1));
      const of = (type: string) => events.filter((x) => x.type === type).length;
      expect([of('ExecutionStarted'), of('ExecutionSucceeded'), of('WaitStateExited'), of('TaskSucceeded'), of('LambdaFunctionSucceeded')], arns[i]).toEqual([1, 1, 2, 1, 1]);
    }
    // Failover within seconds: the claims expire, the next poll of another worker takes them (the
    // bound is loose for a loaded machine; docs/operations.md has the figures of a quiet one).
    expect(first).toBeLessThan(60_000);
    expect(second).toBeLessThan(60_000);
  }, 600_000);

  it('answers an activity task and a callback token through either of two servers', async () => {
    const other = await startServer(cluster.db.url, cluster.project, path.join(cluster.project, 'data-2'));
    cluster.processes.push(other.process);
    const sfn2 = new SFNClient({ endpoint: other.url, region: 'us-east-1', credentials: CLUSTER_CREDENTIALS, maxAttempts: 1 });
    try {
      const { activityArn } = await cluster.sfn.send(new CreateActivityCommand({ name: 'review' }));
      const definition = {
        StartAt: 'Review',
        States: {
          Review: { Type: 'Task', Resource: activityArn, HeartbeatSeconds: 60, Next: 'Approve' },
          Approve: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: 'double', Payload: { n: 1, 'token.$': '$$.Task.Token' } }, End: true },
        },
      };
      const { stateMachineArn } = await sfn2.send(new CreateStateMachineCommand({ name: 'two-servers', definition: JSON.stringify(definition), roleArn: ROLE }));
      // The poll waits on the second server; the execution starts on the first.
      const polled = sfn2.send(new GetActivityTaskCommand({ activityArn, workerName: 'reviewer' }));
      const { executionArn } = await cluster.sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"doc":7}' }));
      // A long poll may end empty while a loaded machine gets the execution to its task: poll again.
      let task = await polled;
      for (let i = 0; i < 4 && task.taskToken === undefined; i++) task = await sfn2.send(new GetActivityTaskCommand({ activityArn, workerName: 'reviewer' }));
      expect(task.input).toBe('{"doc":7}');
      await cluster.sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
      await cluster.sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"ok":true}' }));
      // The callback's token, as the console of the second server lists it once the message went out.
      let token: string | undefined;
      await until(
        'the callback to wait for its token',
        async () => {
          const r = (await (await fetch(`${other.url}/console/api/waiting-tasks?executionArn=${encodeURIComponent(executionArn!)}`)).json()) as { tasks: { taskToken: string }[] };
          token = r.tasks[0]?.taskToken;
          return token !== undefined;
        },
        120_000,
      );
      await sfn2.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
      await until('the execution to end', async () => (await cluster.sfn.send(new DescribeExecutionCommand({ executionArn }))).status !== 'RUNNING', 120_000);
      const d = await sfn2.send(new DescribeExecutionCommand({ executionArn }));
      expect([d.status, d.output]).toEqual(['SUCCEEDED', '{"approved":true}']);
      const { events } = await cluster.store.getHistory(executionArn!);
      expect(events.find((e) => e.type === 'ActivityStarted')?.activityStartedEventDetails).toEqual({ workerName: 'reviewer' });
    } finally {
      sfn2.destroy();
    }
  }, 600_000);
});
