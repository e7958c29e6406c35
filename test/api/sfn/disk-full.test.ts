// Issue #13: a full disk answers StartExecution with a clear, retryable error (503
// ServiceUnavailable naming the cause), and the server serves again once space comes back.
import { CreateStateMachineCommand, DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../../src/store/index.js';
import { client, role, server, serveForTests } from './fixtures.js';

serveForTests();

describe('a full disk under the Step Functions API', () => {
  it('answers 503 ServiceUnavailable saying the disk is full, then works again when it frees up', async () => {
    const { stateMachineArn } = await client.send(
      new CreateStateMachineCommand({ name: 'full', roleArn: role, definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }) }),
    );
    const store = server.app.store as SqliteStore;
    const pages = (store as unknown as { db: { pragma(s: string, o: object): number } }).db.pragma('page_count', { simple: true });
    store.setMaxPageCount(pages + 10);
    const input = JSON.stringify({ pad: 'x'.repeat(20_000) });
    let refusal: { name?: string; message?: string; $metadata?: { httpStatusCode?: number } } | undefined;
    for (let i = 0; i < 100 && refusal === undefined; i++) {
      await client.send(new StartExecutionCommand({ stateMachineArn, input })).catch((e: unknown) => (refusal = e as typeof refusal));
    }
    expect(refusal?.name).toBe('ServiceUnavailable');
    expect(refusal?.$metadata?.httpStatusCode).toBe(503);
    expect(refusal?.message).toMatch(/disk holding its data dir is full/);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);

    store.setMaxPageCount(1_000_000);
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
    await expect.poll(async () => (await client.send(new DescribeExecutionCommand({ executionArn }))).status, { timeout: 15_000 }).toBe('SUCCEEDED');
  });
});
