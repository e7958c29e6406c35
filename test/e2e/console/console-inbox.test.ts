// Issue #18 item 8: the approvals inbox, the "waiting" filter, a phone-sized token, structured
// errors, a 25-state graph at a readable zoom, and a service task's request and response.
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainDefinition } from '../../../bench/console-layout-workload.js';
import { CHROMIUM, consoleBuilt, launchBrowser, root, startServer } from './console-server.js';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:order-processing';
const ROLE = 'arn:aws:iam::123456789012:role/StepwrightExecutionRole';
const sample = JSON.parse(fs.readFileSync(path.join(root, 'examples/order-processing/sample-input.json'), 'utf8')) as Record<string, unknown>;
/** Above 500: the example waits at RequestApproval for a person. */
const bigOrder = (orderId: string): string => JSON.stringify({ ...sample, orderId, items: [{ sku: 'DESK-9', quantity: 2, price: 400 }] });

let server: { url: string; close: () => Promise<void> };
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;
const pageErrors: string[] = [];
const ready = fs.existsSync(CHROMIUM) && consoleBuilt();
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000, interval: 100 });

async function api<T>(operation: string, input: object): Promise<T> {
  const res = await fetch(`${server.url}/`, { method: 'POST', headers: { 'x-amz-target': `AWSStepFunctions.${operation}`, 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(input) });
  return (await res.json()) as T;
}

async function untilStatus(executionArn: string, status: string): Promise<void> {
  await poll(async () => (await api<{ status: string }>('DescribeExecution', { executionArn })).status).toBe(status);
}

/** The zoom React Flow draws the graph at (its viewport's CSS transform). */
const graphZoom = (p: Page): Promise<number> =>
  p.evaluate<number>(`(() => { const t = getComputedStyle(document.querySelector('.react-flow__viewport')).transform; return t === 'none' ? 1 : new DOMMatrixReadOnly(t).a; })()`);

describe.skipIf(!ready)('the console: approvals inbox, waiting filter, errors and large graphs', { timeout: 60_000 }, () => {
  let first: string;
  let second: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    first = (await api<{ executionArn: string }>('StartExecution', { stateMachineArn: MACHINE, name: 'inbox-first', input: bigOrder('o-first') })).executionArn;
    second = (await api<{ executionArn: string }>('StartExecution', { stateMachineArn: MACHINE, name: 'inbox-second', input: bigOrder('o-second') })).executionArn;
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('gathers the tasks of every execution waiting for a person, and approves one from there', async () => {
    await page.goto(`${server.url}/`);
    await page.click('[data-testid=nav-approvals]');
    await poll(() => page.locator('[data-testid=inbox-execution]').count()).toBe(2);
    expect(await page.locator('[data-testid=inbox-count]').textContent()).toBe('(2)');
    const firstCard = page.locator('[data-testid=inbox-execution]', { hasText: 'inbox-first' });
    expect(await firstCard.locator('[data-testid=waiting-task]').textContent()).toContain('RequestApproval');
    expect(await firstCard.locator('[data-testid=waiting-task]').textContent()).toContain('o-first');
    await firstCard.locator('[data-testid=task-output]').fill('{"approved": true, "by": "inbox"}');
    await firstCard.locator('button:has-text("Approve")').click();
    await untilStatus(first, 'SUCCEEDED');
    await poll(() => page.locator('[data-testid=inbox-execution]').count()).toBe(1);
    expect(await page.locator('[data-testid=inbox-execution]').textContent()).toContain('inbox-second');
    // The execution's link leads to its page.
    await page.click('[data-testid=inbox-execution] h2 a');
    await poll(() => page.locator('[data-testid=execution-name]').textContent()).toBe('inbox-second');
  });

  it('filters the executions list to those waiting for a person or a worker', async () => {
    await page.goto(`${server.url}/#/executions`);
    await poll(() => page.locator('[data-testid=executions] tbody tr').count()).toBe(2);
    await page.selectOption('select:near(:text("Status"))', 'WAITING');
    await poll(() => page.locator('[data-testid=executions] tbody tr').count()).toBe(1);
    expect(await page.locator('[data-testid=executions]').textContent()).toContain('inbox-second');
    expect(await page.locator('[data-testid=executions]').textContent()).not.toContain('inbox-first');
  });

  it('keeps a task token inside a phone-sized screen, on the execution page and in the inbox', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const url of [`${server.url}/#/executions/${encodeURIComponent(second)}`, `${server.url}/#/approvals`]) {
        await page.goto(url);
        const token = page.locator('[data-testid=task-token]').first();
        await token.waitFor();
        const box = await token.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, right: el.getBoundingClientRect().right }));
        expect(box.scroll).toBeLessThanOrEqual(box.client);
        expect(box.right).toBeLessThanOrEqual(390);
        const wide = await page.evaluate<string[]>(`[...document.querySelectorAll('body *')].filter((el) => !el.closest('.react-flow') && el.getBoundingClientRect().right > window.innerWidth + 0.5).map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right)).slice(0, 8)`);
        expect(wide, url).toEqual([]);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it("shows a failed function's cause as error, message and stack, the raw cause one click away", async () => {
    // The example's payment function declines a card ending 0000 by throwing; nothing catches it here.
    const { stateMachineArn } = await api<{ stateMachineArn: string }>('CreateStateMachine', {
      name: 'charge-uncaught',
      roleArn: ROLE,
      definition: JSON.stringify({
        StartAt: 'Charge',
        States: { Charge: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'process-payment', Payload: { action: 'charge', orderId: 'o-9', payment: { card: '4000000000000000' } } }, End: true } },
      }),
    });
    const { executionArn } = await api<{ executionArn: string }>('StartExecution', { stateMachineArn, name: 'fails-in-code', input: '{}' });
    await untilStatus(executionArn, 'FAILED');
    await page.goto(`${server.url}/#/executions/${encodeURIComponent(executionArn)}`);
    const error = page.locator('[data-testid=execution-error]');
    await poll(() => error.locator('[data-testid=error-name]').textContent()).toBe('PaymentDeclined');
    expect(await error.locator('[data-testid=error-message]').textContent()).toBe('Card ending 0000 was declined for order o-9');
    expect(await error.locator('[data-testid=error-stack]').textContent()).toMatch(/at .*index\.(ts|js|mjs)/);
    expect(await error.innerText()).not.toContain('"errorMessage"');
    await error.locator('summary:has-text("Raw cause")').click();
    expect(await error.locator('details:has(summary:has-text("Raw cause")) pre').textContent()).toContain('"errorMessage"');
  });

  it('draws a 25-state machine whole at a readable zoom, and shows a service task its request and response', async () => {
    const { stateMachineArn } = await api<{ stateMachineArn: string }>('CreateStateMachine', { name: 'twenty-five', roleArn: ROLE, definition: JSON.stringify(chainDefinition(25)) });
    await page.goto(`${server.url}/#/machines/${encodeURIComponent(stateMachineArn)}`);
    await page.waitForSelector('[data-state=S24]');
    expect(await graphZoom(page)).toBeGreaterThanOrEqual(0.6);
    const graph = await page.locator('[data-testid=graph]').boundingBox();
    for (const name of ['S0', 'S12', 'S24']) {
      const b = (await page.locator(`[data-state=${name}]`).boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(graph!.x);
      expect(b.y).toBeGreaterThanOrEqual(graph!.y);
      expect(b.x + b.width).toBeLessThanOrEqual(graph!.x + graph!.width + 1);
      expect(b.y + b.height).toBeLessThanOrEqual(graph!.y + graph!.height + 1);
    }

    // A nested execution is a service task (states:startExecution): its request and response as a Lambda task's.
    const { stateMachineArn: child } = await api<{ stateMachineArn: string }>('CreateStateMachine', {
      name: 'child-service',
      roleArn: ROLE,
      definition: JSON.stringify({ StartAt: 'Double', States: { Double: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, $.n)' }, End: true } } }),
    });
    const { stateMachineArn: parent } = await api<{ stateMachineArn: string }>('CreateStateMachine', {
      name: 'parent-service',
      roleArn: ROLE,
      definition: JSON.stringify({
        StartAt: 'RunChild',
        States: { RunChild: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', Parameters: { StateMachineArn: child, Input: { 'n.$': '$.n' } }, End: true } },
      }),
    });
    const { executionArn } = await api<{ executionArn: string }>('StartExecution', { stateMachineArn: parent, input: '{"n":21}' });
    await untilStatus(executionArn, 'SUCCEEDED');
    await page.goto(`${server.url}/#/executions/${encodeURIComponent(executionArn)}`);
    await page.click('[data-state=RunChild] button');
    const details = page.locator('[data-testid=state-details]');
    await poll(() => details.locator('[data-testid=task-resource]').textContent()).toContain('startExecution.sync:2');
    expect(await details.locator('[data-testid=json-request]').textContent()).toContain('"StateMachineArn"');
    expect(await details.locator('[data-testid=json-response]').textContent()).toContain('"n": 42');
    expect(pageErrors).toEqual([]);
  });
});
