import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app/create-app.js';
import { FunctionRuntime } from '../../src/functions/index.js';
import { createTestDatabase, postgresUnavailable } from '../store/postgres-database.js';

// Under CI a missing PostgreSQL fails the run; elsewhere this skips and says why.
const unavailable = await postgresUnavailable();
if (unavailable !== undefined && process.env.CI !== 'true') console.warn(`Skipping the shared-activity tests: ${unavailable}`);

describe.skipIf(unavailable !== undefined && process.env.CI !== 'true')('activities shared by the processes of one PostgreSQL database', () => {
  const apps: App[] = [];
  // No functions: a runtime so that each app routes Task resources (activities among them).
  const runtime = new FunctionRuntime({ region: 'us-east-1', accountId: '123456789012' });
  const dirs: string[] = [];
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const a of apps) await a.close();
    await runtime.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    await drop?.();
  });

  async function twoApps(): Promise<[App, App]> {
    if (unavailable !== undefined) throw new Error(unavailable);
    const db = await createTestDatabase();
    drop = db.drop;
    const open = async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-shared-activity-'));
      dirs.push(dataDir);
      const app = await createApp({ database: db.url, dataDir, functions: runtime });
      apps.push(app);
      return app;
    };
    const a = await open();
    return [a, await open()];
  }

  async function until(what: string, check: () => boolean): Promise<void> {
    for (const deadline = Date.now() + 10_000; !check(); ) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('fails a task at once in every process once any of them deleted its activity, and serves it again once created', async () => {
    const [a, b] = await twoApps();
    const { arn: activityArn } = await a.service.createActivity({ name: 'review' });
    const { stateMachineArn } = await a.service.createStateMachine({
      name: 'reviewed',
      definition: { StartAt: 'Review', States: { Review: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 60, End: true } } },
    });
    await b.service.deleteActivity(activityArn);
    // B's deletion reaches A through the database (NOTIFY), not through A's own API.
    await until("A to hear of B's deletion", () => !a.activities.activityExists(activityArn));
    const { executionArn } = await a.service.startExecution({ stateMachineArn });
    const failed = await a.service.awaitExecution(executionArn);
    expect([failed.status, failed.error, failed.cause]).toEqual([
      'FAILED',
      'States.Runtime',
      `An error occurred while executing the state 'Review' (entered at the event id #2). The activity ${activityArn} does not exist.`,
    ]);

    await b.service.createActivity({ name: 'review' });
    await until("A to hear of B's creation", () => a.activities.activityExists(activityArn));
    const again = await a.service.startExecution({ stateMachineArn });
    const task = await b.service.getActivityTask({ activityArn, workerName: 'w', pollMs: 10_000 });
    expect(task?.input).toBe('{}');
    await b.service.sendTaskSuccess({ taskToken: task!.taskToken, output: '{"ok":true}' });
    expect((await a.service.awaitExecution(again.executionArn)).output).toBe('{"ok":true}');
  }, 60_000);
});
