import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, consoleBuilt, launchBrowser, root, startServer } from './console-server.js';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:order-processing';
// `CONSOLE_SCREENSHOTS=1 npx vitest run test/e2e/console` refreshes docs/console; a plain run keeps them out of the work tree.
const SHOTS = process.env.CONSOLE_SCREENSHOTS === '1' ? path.join(root, 'docs/console') : path.join(os.tmpdir(), 'stepwright-console-screenshots');
const sample = JSON.parse(fs.readFileSync(path.join(root, 'examples/order-processing/sample-input.json'), 'utf8')) as Record<string, unknown>;
const runId = Date.now().toString(36);
const HTML_NAME = '<img src=x onerror="window.__xss=1">Approve<b>me</b>';

let server: { url: string; close: () => Promise<void> };
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;
const pageErrors: string[] = [];

/** Replaces the CodeMirror document the way a person pasting would. */
async function setEditorText(p: Page, text: string): Promise<void> {
  const content = p.locator('.cm-content');
  await content.click();
  await p.keyboard.press('Control+A');
  await p.keyboard.press('Delete');
  await p.keyboard.insertText(text);
}

const ready = fs.existsSync(CHROMIUM) && consoleBuilt();
/** Generous waits: CI runs this beside the rest of the suite on two cores. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000, interval: 100 });

describe.skipIf(!ready)('the web console in a real browser', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', (d) => void d.accept());
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists the example state machine at / and shows its graph', async () => {
    await page.goto(`${server.url}/`);
    await poll(() => page.locator('[data-testid=machines] a', { hasText: 'order-processing' }).count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'state-machines.png') });
    await page.click('text=order-processing');
    await page.waitForSelector('[data-state=RequestApproval]');
    await page.waitForSelector('[data-state=ReserveLine]'); // inside the Map's group
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SHOTS, 'state-machine.png') });
  });

  it('creates a machine from the editor after marking a validation error where it is', async () => {
    await page.goto(`${server.url}/#/machines/new`);
    await page.waitForSelector('.cm-content');
    await setEditorText(page, '{\n  "StartAt": "A",\n  "States": {\n    "A": { "Type": "Pass", "Nxt": "B", "End": true }\n  }\n}\n');
    await poll(() => page.locator('[data-testid=diagnostics]').textContent()).toContain("Field 'Nxt' is not supported");
    // The mark sits on the offending member (key and value), not on the whole document.
    await poll(() => page.locator('.cm-lintRange-error').first().textContent()).toBe('"Nxt": "B"');
    await page.screenshot({ path: path.join(SHOTS, 'editor-validation.png') });

    const definition = {
      StartAt: HTML_NAME,
      States: {
        [HTML_NAME]: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: 'notify', Payload: { 'token.$': '$$.Task.Token' } }, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };
    await setEditorText(page, JSON.stringify(definition, null, 2));
    await poll(() => page.locator('[data-testid=diagnostics]').textContent()).toContain('Valid definition');
    await page.fill('[data-testid=machine-name]', `made-in-console-${runId}`);
    await page.click('button:has-text("Create")');
    await poll(() => page.locator('[data-testid=machine-title]').textContent()).toBe(`made-in-console-${runId}`);
    // The state name with markup is drawn as text: no image element, no script ran.
    await page.waitForSelector('[data-state]');
    expect(await page.locator(`[data-state="${HTML_NAME.replace(/"/g, '\\"')}"]`).textContent()).toContain(HTML_NAME);
    expect(await page.locator('.react-flow img, .react-flow b').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
  });

  it('starts the order-processing example, waits at the approval step, approves it and sees it succeed', async () => {
    await page.goto(`${server.url}/#/machines/${encodeURIComponent(MACHINE)}`);
    await page.click('button:has-text("Start execution")');
    const input = JSON.stringify({ ...sample, orderId: `console-${runId}`, items: [{ sku: 'DESK-9', quantity: 2, price: 400 }] }, null, 2);
    await page.fill('[data-testid=execution-name]', `approve-${runId}`);
    await page.fill('[data-testid=execution-input]', input);
    await page.click('summary:has-text("AWS CLI")');
    expect(await page.locator('[data-testid=cli-line]').textContent()).toContain(`aws stepfunctions start-execution --endpoint-url ${server.url} --state-machine-arn '${MACHINE}' --name 'approve-${runId}'`);
    await page.click('.start-execution button:has-text("Start execution")');

    // Live updates (server-sent events) bring the waiting task without a reload.
    await page.waitForSelector('[data-testid=waiting-task]', { timeout: 20_000 });
    expect(await page.locator('[data-state=RequestApproval]').getAttribute('data-status')).toBe('waiting');
    expect(await page.locator('[data-testid=waiting-task]').textContent()).toContain('approval-request');
    await page.screenshot({ path: path.join(SHOTS, 'execution-waiting.png') });

    // From here on, live updates fetch only the events that are new, not the whole history again.
    const fetched: string[] = [];
    const watch = (r: import('playwright-core').Request): void => {
      if (r.url().includes('/console/api/history')) fetched.push('tail');
      else if (r.headers()['x-amz-target'] === 'AWSStepFunctions.GetExecutionHistory') fetched.push('whole');
    };
    page.on('request', watch);
    await page.fill('[data-testid=task-output]', '{"approved": true, "by": "console"}');
    await page.click('[data-testid=waiting-task] button:has-text("Approve")');
    await expect.poll(() => page.locator('h1 .badge').textContent(), { timeout: 20_000 }).toBe('SUCCEEDED');
    page.off('request', watch);
    expect(fetched).toContain('tail');
    expect(fetched).not.toContain('whole');
    await poll(() => page.locator('[data-state=OrderComplete]').getAttribute('data-status')).toBe('succeeded');
    expect(await page.locator('[data-state=CheckApproval]').getAttribute('data-status')).toBe('succeeded');
    expect(await page.locator('[data-state=OrderInvalid]').getAttribute('data-status')).toBeNull();

    // A state's input and output.
    await page.click('[data-state=ValidateOrder] button');
    const details = page.locator('[data-testid=state-details]');
    await poll(() => details.locator('[data-testid=json-input]').textContent()).toContain(`"orderId": "console-${runId}"`);
    expect(await details.locator('[data-testid=json-output]').textContent()).toContain('"total": 800');
    // The Lambda task's function log for this invocation: START, END and REPORT with its request id.
    await poll(() => details.locator('[data-testid=function-logs] [data-testid=invocation-log]').first().textContent()).toMatch(/^START RequestId: \S+ Version: \$LATEST\n[\s\S]*END RequestId: [\s\S]*REPORT RequestId: \S+\tDuration: /);
    expect(await details.locator('[data-testid=function-logs] [data-testid=invocation]').count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'execution.png'), fullPage: true });

    // Time travel: back to right after ValidateOrder was entered, nothing after it has happened.
    const events = Number(await page.locator('[data-testid=time-travel]').getAttribute('max'));
    expect(events).toBeGreaterThan(20);
    await page.locator('[data-testid=time-travel]').fill('1');
    await poll(() => page.locator('[data-state=ValidateOrder]').getAttribute('data-status')).toBe('running');
    expect(await page.locator('[data-state=OrderComplete]').getAttribute('data-status')).toBeNull();
    expect(await details.locator('[data-testid=json-output]').textContent()).toContain('Not yet');
    await page.locator('[data-testid=time-travel]').fill(String(events));
    await poll(() => page.locator('[data-state=OrderComplete]').getAttribute('data-status')).toBe('succeeded');
  });

  it('rejects a waiting task from the page and shows the caught failure', async () => {
    await page.goto(`${server.url}/#/machines/${encodeURIComponent(MACHINE)}`);
    await page.click('button:has-text("Start execution")');
    // The last input is remembered.
    expect(await page.inputValue('[data-testid=execution-input]')).toContain(`console-${runId}`);
    await page.fill('[data-testid=execution-name]', `reject-${runId}`);
    await page.click('.start-execution button:has-text("Start execution")');
    await page.waitForSelector('[data-testid=waiting-task]', { timeout: 20_000 });
    await page.click('[data-testid=waiting-task] button:has-text("Reject")');
    await expect.poll(() => page.locator('h1 .badge').textContent(), { timeout: 20_000 }).toBe('FAILED');
    expect(await page.locator('[data-state=RequestApproval]').getAttribute('data-status')).toBe('caught');
    expect(await page.locator('[data-testid=execution-error]').textContent()).toContain('OrderRejected');
  });

  it('test-invokes a function and shows its result and log', async () => {
    await page.goto(`${server.url}/#/functions`);
    await page.click('[data-testid=functions] button:has-text("validate-order")');
    await page.fill('textarea', JSON.stringify({ ...sample, orderId: `fn-${runId}` }));
    await page.click('button:has-text("Test invoke")');
    await expect.poll(() => page.locator('[data-testid=invoke-result]').textContent(), { timeout: 15_000 }).toContain(`"orderId": "fn-${runId}"`);
    expect(await page.locator('[data-testid=invoke-result]').textContent()).toContain('Succeeded');
    // Recent invocations, newest first: the test invoke, then those the executions' ValidateOrder states made.
    const recent = page.locator('[data-testid=recent-invocations] [data-testid=invocation]');
    await poll(() => recent.count()).toBeGreaterThanOrEqual(3);
    expect(await recent.first().locator('summary').textContent()).toMatch(/ms · \d+ \/ \d+ MB/);
    expect(await recent.first().locator('summary').textContent()).not.toContain('state ValidateOrder');
    expect(await recent.nth(1).locator('summary').textContent()).toContain('state ValidateOrder');
    await recent.first().locator('summary').click();
    expect(await recent.first().locator('[data-testid=invocation-log]').textContent()).toContain('REPORT RequestId:');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: path.join(SHOTS, 'functions.png'), fullPage: true });
  });

  it('lists executions filtered by status, and fits a phone in the dark theme', async () => {
    await page.goto(`${server.url}/#/executions?status=SUCCEEDED`);
    await poll(() => page.locator('[data-testid=executions] tbody tr').count()).toBe(1);
    expect(await page.locator('[data-testid=executions]').textContent()).toContain(`approve-${runId}`);
    await page.goto(`${server.url}/#/executions`);
    await poll(() => page.locator('[data-testid=executions] tbody tr').count()).toBe(2);
    await page.screenshot({ path: path.join(SHOTS, 'executions.png') });

    await page.click('button:has-text("Dark")');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.click(`text=approve-${runId}`);
    await poll(() => page.locator('[data-state=OrderComplete]').getAttribute('data-status')).toBe('succeeded');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SHOTS, 'execution-phone-dark.png') });
    expect(pageErrors).toEqual([]);
  });

  it('lists an activity task as waiting for a worker, then lets a person answer it once a worker took it', async () => {
    const api = async <T,>(operation: string, input: object): Promise<T> =>
      (await (await fetch(`${server.url}/`, { method: 'POST', headers: { 'x-amz-target': `AWSStepFunctions.${operation}`, 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(input) })).json()) as T;
    const { activityArn } = await api<{ activityArn: string }>('CreateActivity', { name: `pack-${runId}` });
    const { stateMachineArn } = await api<{ stateMachineArn: string }>('CreateStateMachine', {
      name: `activity-${runId}`,
      roleArn: 'arn:aws:iam::123456789012:role/StepwrightExecutionRole',
      definition: JSON.stringify({ StartAt: 'Pack', States: { Pack: { Type: 'Task', Resource: activityArn, End: true } } }),
    });
    const { executionArn } = await api<{ executionArn: string }>('StartExecution', { stateMachineArn, input: '{"parcel":"p-1"}' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${server.url}/#/executions/${encodeURIComponent(executionArn)}`);
    await page.waitForSelector('[data-testid=waiting-activity]');
    expect(await page.locator('[data-testid=waiting-activity]').textContent()).toContain('"parcel": "p-1"');
    expect(await page.locator('[data-testid=waiting-activity]').textContent()).toContain('No worker has taken this task yet');
    const task = await api<{ taskToken: string }>('GetActivityTask', { activityArn });
    await page.waitForSelector('[data-testid=waiting-task]', { timeout: 10_000 });
    expect(await page.locator('[data-testid=waiting-task]').textContent()).toContain(task.taskToken);
    await page.fill('[data-testid=task-output]', '{"packed": true}');
    await page.click('[data-testid=waiting-task] button:has-text("Approve")');
    await expect.poll(() => page.locator('h1 .badge').textContent(), { timeout: 15_000 }).toBe('SUCCEEDED');
    expect(pageErrors).toEqual([]);
  });
});
