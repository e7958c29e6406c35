import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStepwrightServer, type StepwrightServer } from '../../../src/app/server.js';

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

  it('gives the events after a given one, as GetExecutionHistory shows them (a live page fetches only what is new)', async () => {
    const definition = JSON.stringify({ StartAt: 'P0', States: Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`P${i}`, i === 599 ? { Type: 'Pass', End: true } : { Type: 'Pass', Next: `P${i + 1}` }])) });
    const { stateMachineArn } = await sfn<{ stateMachineArn: string }>('CreateStateMachine', { name: 'long-history', definition, roleArn: 'arn:aws:iam::123456789012:role/r' });
    const { executionArn } = await sfn<{ executionArn: string }>('StartExecution', { stateMachineArn, input: '{"k":1}' });
    await untilDone(executionArn);
    const all: { id: number; type: string }[] = [];
    let token: string | undefined;
    do {
      const page: { events: { id: number; type: string }[]; nextToken?: string } = await sfn('GetExecutionHistory', { executionArn, ...(token ? { nextToken: token } : {}) });
      all.push(...page.events);
      token = page.nextToken;
    } while (token !== undefined);
    expect(all).toHaveLength(1202);

    const url = (after: number) => `${server.url}/console/api/history?executionArn=${encodeURIComponent(executionArn)}&afterEventId=${after}`;
    const tail = await getJson<{ events: { id: number }[]; more?: boolean }>(url(1190));
    expect(tail).toEqual({ events: all.slice(1190) });
    const first = await getJson<{ events: { id: number }[]; more?: boolean }>(url(0));
    expect(first.more).toBe(true);
    expect(first.events).toEqual(all.slice(0, 1000));
    expect(await getJson(url(1202))).toEqual({ events: [] });
    expect((await fetch(`${server.url}/console/api/history`)).status).toBe(400);
  });
});

interface Invocation {
  functionName: string;
  requestId: string;
  ok: boolean;
  durationMs?: number;
  memoryMB?: number;
  maxMemoryUsedMB?: number;
  executionArn?: string;
  stateName?: string;
  logs: string;
}

async function untilDone(executionArn: string): Promise<{ status: string; output?: string }> {
  for (let i = 0; i < 200; i++) {
    const d = await sfn<{ status: string; output?: string }>('DescribeExecution', { executionArn });
    if (d.status !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${executionArn} still running`);
}

const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

describe('function logs in the console', () => {
  it('gives a lambda:invoke Task state the log of its invocation, linked to the request id in its result', async () => {
    const input = fs.readFileSync('examples/order-processing/sample-input.json', 'utf8');
    const { executionArn } = await sfn<{ executionArn: string }>('StartExecution', { stateMachineArn: MACHINE, name: 'logs-1', input });
    expect((await untilDone(executionArn)).status).toBe('SUCCEEDED');
    const { invocations } = await getJson<{ invocations: Invocation[] }>(`${server.url}/console/api/function-logs?executionArn=${encodeURIComponent(executionArn)}&stateName=ValidateOrder`);
    expect(invocations).toHaveLength(1);
    const [inv] = invocations;
    expect(inv).toMatchObject({ functionName: 'validate-order', ok: true, executionArn, stateName: 'ValidateOrder' });
    expect(inv.logs).toMatch(new RegExp(`^START RequestId: ${inv.requestId} Version: \\$LATEST\\n`));
    expect(inv.logs).toContain(`END RequestId: ${inv.requestId}`);
    expect(inv.logs).toMatch(/REPORT RequestId: \S+\tDuration: [\d.]+ ms/);
    const history = await sfn<{ events: { type: string; taskSucceededEventDetails?: { output: string } }[] }>('GetExecutionHistory', { executionArn });
    const succeeded = history.events.find((e) => e.type === 'TaskSucceeded');
    expect((JSON.parse(succeeded!.taskSucceededEventDetails!.output) as { SdkResponseMetadata: { RequestId: string } }).SdkResponseMetadata.RequestId).toBe(inv.requestId);
    const byId = await getJson<{ invocations: Invocation[] }>(`${server.url}/console/api/function-logs?requestId=${inv.requestId}`);
    expect(byId.invocations.map((i) => i.stateName)).toEqual(['ValidateOrder']);
    // Every Lambda task of the execution is linked, and a state that called no function has no log.
    const notify = await getJson<{ invocations: Invocation[] }>(`${server.url}/console/api/function-logs?executionArn=${encodeURIComponent(executionArn)}&stateName=NotifyCustomer`);
    const choice = await getJson<{ invocations: Invocation[] }>(`${server.url}/console/api/function-logs?executionArn=${encodeURIComponent(executionArn)}&stateName=CheckOrder`);
    expect(choice.invocations).toEqual([]);
    expect(notify.invocations.map((i) => i.functionName)).toEqual(['notify']);
    expect(notify.invocations[0].logs).toContain('order order-1001 confirmed to ada@example.com'); // what the handler printed
    expect((await fetch(`${server.url}/console/api/function-logs`)).status).toBe(400);
  });

  it('links the legacy function-ARN form too, where the result carries no request id', async () => {
    const { stateMachineArn } = await sfn<{ stateMachineArn: string }>('CreateStateMachine', {
      name: 'legacy-lambda',
      roleArn: 'arn:aws:iam::123456789012:role/StepwrightExecutionRole',
      definition: JSON.stringify({ StartAt: 'Validate', States: { Validate: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:validate-order', End: true } } }),
    });
    const { executionArn } = await sfn<{ executionArn: string }>('StartExecution', { stateMachineArn, input: '{"orderId":"x"}' });
    expect((await untilDone(executionArn)).status).toBe('SUCCEEDED');
    const { invocations } = await getJson<{ invocations: Invocation[] }>(`${server.url}/console/api/function-logs?executionArn=${encodeURIComponent(executionArn)}&stateName=Validate`);
    expect(invocations.map((i) => i.functionName)).toEqual(['validate-order']);
    expect(invocations[0].logs).toContain('START RequestId:');
  });

  it("lists a function's recent invocations newest first with duration and memory", async () => {
    const direct = await fetch(`${server.url}/2015-03-31/functions/validate-order/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const requestId = direct.headers.get('x-amzn-requestid');
    const { invocations } = await getJson<{ invocations: Invocation[] }>(`${server.url}/console/api/functions/validate-order/invocations?limit=2`);
    expect(invocations.length).toBe(2);
    expect(invocations[0].requestId).toBe(requestId);
    expect(invocations[0].executionArn).toBeUndefined(); // invoked through the Lambda API, not by a state
    expect(invocations[1].stateName).toBe('Validate');
    expect(invocations[0].durationMs).toBeGreaterThan(0);
    expect(invocations[0].memoryMB).toBeGreaterThan(0);
    expect((await fetch(`${server.url}/console/api/functions/no-such-function/invocations`)).status).toBe(404);
  });
});

describe('activities in the waiting list', () => {
  it('shows an activity task waiting for a worker with its input, then its token once a worker took it, and it can be answered', async () => {
    const { activityArn } = await sfn<{ activityArn: string }>('CreateActivity', { name: 'approve-by-hand' });
    const { stateMachineArn } = await sfn<{ stateMachineArn: string }>('CreateStateMachine', {
      name: 'with-activity',
      roleArn: 'arn:aws:iam::123456789012:role/StepwrightExecutionRole',
      definition: JSON.stringify({ StartAt: 'Approve', States: { Approve: { Type: 'Task', Resource: activityArn, Parameters: { 'order.$': '$.order' }, End: true } } }),
    });
    const { executionArn } = await sfn<{ executionArn: string }>('StartExecution', { stateMachineArn, input: '{"order":"o-7"}' });
    type Waiting = { tasks: unknown[]; activities: { kind: string; stateName: string; activityArn: string; input: string; taskToken?: string }[] };
    const url = `${server.url}/console/api/waiting-tasks?executionArn=${encodeURIComponent(executionArn)}`;
    let waiting: Waiting = { tasks: [], activities: [] };
    for (let i = 0; i < 100 && waiting.activities.length === 0; i++) {
      waiting = await getJson<Waiting>(url);
      if (waiting.activities.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(waiting.tasks).toEqual([]);
    expect(waiting.activities).toEqual([expect.objectContaining({ kind: 'activity', stateName: 'Approve', activityArn, input: '{"order":"o-7"}' })]);
    expect(waiting.activities[0].taskToken).toBeUndefined();

    const task = await sfn<{ taskToken: string; input: string }>('GetActivityTask', { activityArn, workerName: 'test' });
    expect(task.input).toBe('{"order":"o-7"}');
    waiting = await getJson<Waiting>(url);
    expect(waiting.activities[0].taskToken).toBe(task.taskToken);
    await sfn('SendTaskSuccess', { taskToken: task.taskToken, output: '{"approved":true}' });
    const done = await untilDone(executionArn);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"approved":true}' });
    expect((await getJson<Waiting>(url)).activities).toEqual([]);
  });

  it('drops an activity task that timed out while the execution runs on', async () => {
    const { activityArn } = await sfn<{ activityArn: string }>('CreateActivity', { name: 'nobody-works-here' });
    const { stateMachineArn } = await sfn<{ stateMachineArn: string }>('CreateStateMachine', {
      name: 'activity-times-out',
      roleArn: 'arn:aws:iam::123456789012:role/StepwrightExecutionRole',
      definition: JSON.stringify({
        StartAt: 'Work',
        States: {
          Work: { Type: 'Task', Resource: activityArn, TimeoutSeconds: 1, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Later' }], End: true },
          Later: { Type: 'Wait', Seconds: 60, End: true },
        },
      }),
    });
    const { executionArn } = await sfn<{ executionArn: string }>('StartExecution', { stateMachineArn, input: '{}' });
    const url = `${server.url}/console/api/waiting-tasks?executionArn=${encodeURIComponent(executionArn)}`;
    await expect.poll(async () => (await getJson<{ activities: unknown[] }>(url)).activities.length, { timeout: 5_000 }).toBe(1);
    await expect.poll(async () => (await sfn<{ events: { type: string }[] }>('GetExecutionHistory', { executionArn })).events.some((e) => e.type === 'WaitStateEntered'), { timeout: 10_000 }).toBe(true);
    expect((await sfn<{ status: string }>('DescribeExecution', { executionArn })).status).toBe('RUNNING');
    expect((await getJson<{ activities: unknown[] }>(url)).activities).toEqual([]);
  });

  it('gathers every task waiting for a person or a worker across executions (the approvals inbox) and filters executions that wait', async () => {
    const input = JSON.parse(fs.readFileSync('examples/order-processing/sample-input.json', 'utf8')) as Record<string, unknown>;
    const big = JSON.stringify({ ...input, items: [{ sku: 'DESK-9', quantity: 2, price: 400 }] });
    const { executionArn: approval } = await sfn<{ executionArn: string }>('StartExecution', { stateMachineArn: MACHINE, name: 'inbox-approval', input: big });
    const { activityArn } = await sfn<{ activityArn: string }>('CreateActivity', { name: 'inbox-activity' });
    const { stateMachineArn } = await sfn<{ stateMachineArn: string }>('CreateStateMachine', {
      name: 'inbox-activity-machine',
      roleArn: 'arn:aws:iam::123456789012:role/StepwrightExecutionRole',
      definition: JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } }),
    });
    const { executionArn: activity } = await sfn<{ executionArn: string }>('StartExecution', { stateMachineArn, name: 'inbox-worker', input: '{"n":1}' });
    const { stateMachineArn: waitOnly } = await sfn<{ stateMachineArn: string }>('CreateStateMachine', {
      name: 'inbox-wait-only',
      roleArn: 'arn:aws:iam::123456789012:role/StepwrightExecutionRole',
      definition: JSON.stringify({ StartAt: 'Sleep', States: { Sleep: { Type: 'Wait', Seconds: 60, End: true } } }),
    });
    const { executionArn: sleeping } = await sfn<{ executionArn: string }>('StartExecution', { stateMachineArn: waitOnly, name: 'inbox-sleeping', input: '{}' });

    type Inbox = { executions: { executionArn: string; name: string; status: string; tasks: { stateName: string; taskToken: string }[]; activities: { stateName: string; taskToken?: string }[] }[]; scanned: number };
    const inboxOf = async (): Promise<Inbox> => getJson<Inbox>(`${server.url}/console/api/inbox`);
    await expect.poll(async () => (await inboxOf()).executions.map((e) => e.name).filter((n) => n.startsWith('inbox-')).sort(), { timeout: 10_000 }).toEqual(['inbox-approval', 'inbox-worker']);
    const inbox = await inboxOf();
    const byArn = new Map(inbox.executions.map((e) => [e.executionArn, e]));
    expect(byArn.get(approval)?.tasks.map((t) => t.stateName)).toEqual(['RequestApproval']);
    expect(byArn.get(activity)?.activities).toEqual([expect.objectContaining({ stateName: 'Work' })]);
    expect(byArn.has(sleeping)).toBe(false);
    expect(inbox.scanned).toBeGreaterThanOrEqual(3);

    const waiting = await getJson<{ executions: { executionArn: string; status: string }[] }>(`${server.url}/console/api/executions?status=WAITING`);
    expect(waiting.executions.map((e) => e.executionArn)).toEqual(expect.arrayContaining([approval, activity]));
    expect(waiting.executions.map((e) => e.executionArn)).not.toContain(sleeping);
    expect(waiting.executions.every((e) => e.status === 'RUNNING')).toBe(true);
    const ofMachine = await getJson<{ executions: { executionArn: string }[] }>(`${server.url}/console/api/executions?status=WAITING&stateMachineArn=${encodeURIComponent(stateMachineArn)}`);
    expect(ofMachine.executions.map((e) => e.executionArn)).toEqual([activity]);

    // Answered, it leaves the inbox.
    await sfn('SendTaskSuccess', { taskToken: byArn.get(approval)!.tasks[0].taskToken, output: '{"approved":true}' });
    await expect.poll(async () => (await inboxOf()).executions.some((e) => e.executionArn === approval), { timeout: 10_000 }).toBe(false);
    await sfn('StopExecution', { executionArn: activity });
    await sfn('StopExecution', { executionArn: sleeping });
  });
});
