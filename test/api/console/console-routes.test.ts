import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStepwrightServer, type StepwrightServer } from '../../../src/cli/commands/server.js';

let server: StepwrightServer;
let dataDir: string;
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:order-processing';

async function sfn<T>(operation: string, input: object): Promise<T> {
  const res = await fetch(`${server.url}/`, { method: 'POST', headers: { 'x-amz-target': `AWSStepFunctions.${operation}`, 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(input) });
  return (await res.json()) as T;
}

/** Reads server-sent events until `until` says stop (or the time is up). */
async function readEvents(url: string, until: (events: { event: string; data: unknown }[]) => boolean, ms = 10_000): Promise<{ event: string; data: unknown }[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  const events: { event: string; data: unknown }[] = [];
  try {
    const res = await fetch(url, { signal: abort.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) as unknown });
      }
      if (until(events)) break;
    }
  } catch (e) {
    if (!abort.signal.aborted) throw e;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return events;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-console-api-'));
  server = await startStepwrightServer({ port: 0, dataDir, project: 'examples/order-processing', logLevel: false });
}, 30_000);

afterAll(async () => {
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the console routes of stepwright server', () => {
  it('serves the console page at / on GET while POST / stays the Step Functions API', async () => {
    const page = await fetch(`${server.url}/`);
    if (fs.existsSync(path.resolve(import.meta.dirname, '../../../dist/console/index.html'))) {
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await page.text()).toContain('<div id="root">');
    } else expect(page.status).toBe(404);
    const list = await sfn<{ stateMachines: { name: string }[] }>('ListStateMachines', {});
    expect(list.stateMachines.map((m) => m.name)).toContain('order-processing');
  });

  it('refuses paths outside the console folder', async () => {
    const res = await fetch(`${server.url}/assets/..%2F..%2F..%2Fpackage.json`);
    expect(res.status).toBe(404);
  });

  it('announces a started execution and its progress as server-sent events, and lists its waiting task token', async () => {
    const input = JSON.parse(fs.readFileSync('examples/order-processing/sample-input.json', 'utf8')) as Record<string, unknown>;
    const eventsP = readEvents(`${server.url}/console/api/events`, (evs) => evs.some((e) => e.event === 'execution' && (e.data as { lastEventId: number }).lastEventId >= 11));
    await new Promise((r) => setTimeout(r, 600)); // the poller's first look primes it
    const { executionArn } = await sfn<{ executionArn: string }>('StartExecution', {
      stateMachineArn: MACHINE,
      name: 'sse-1',
      input: JSON.stringify({ ...input, items: [{ sku: 'DESK-9', quantity: 2, price: 400 }] }),
    });
    const events = await eventsP;
    expect(events[0].event).toBe('hello');
    const changes = events.filter((e) => e.event === 'execution').map((e) => e.data as { executionArn: string; status: string });
    expect(changes.every((c) => c.executionArn === executionArn && c.status === 'RUNNING')).toBe(true);

    const waiting = (await (await fetch(`${server.url}/console/api/waiting-tasks?executionArn=${encodeURIComponent(executionArn)}`)).json()) as { tasks: { stateName: string; taskToken: string }[] };
    expect(waiting.tasks.map((t) => t.stateName)).toEqual(['RequestApproval']);
    await sfn('SendTaskSuccess', { taskToken: waiting.tasks[0].taskToken, output: '{"approved":true}' });

    const done = await readEvents(`${server.url}/console/api/events`, (evs) => evs.some((e) => e.event === 'execution' && (e.data as { status: string }).status === 'SUCCEEDED'));
    expect(done.some((e) => e.event === 'execution' && (e.data as { status: string }).status === 'SUCCEEDED')).toBe(true);
  });

  it('lists executions across machines with paging and counts them by status', async () => {
    const page1 = (await (await fetch(`${server.url}/console/api/executions?limit=1`)).json()) as { executions: { name: string }[]; hasMore: boolean };
    expect(page1.executions).toHaveLength(1);
    const succeeded = (await (await fetch(`${server.url}/console/api/executions?status=SUCCEEDED`)).json()) as { executions: { name: string }[] };
    expect(succeeded.executions.map((e) => e.name)).toContain('sse-1');
    const summary = (await (await fetch(`${server.url}/console/api/machines/summary`)).json()) as { counts: Record<string, Record<string, number>> };
    expect(summary.counts[MACHINE].SUCCEEDED).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${server.url}/console/api/executions?status=BOGUS`)).status).toBe(400);
  });
});
