import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, consoleBuilt, launchBrowser, root, startServer } from './console-server.js';

const SHOTS = process.env.CONSOLE_SCREENSHOTS === '1' ? path.join(root, 'docs/console') : path.join(os.tmpdir(), 'stepwright-console-screenshots');
const ready = fs.existsSync(CHROMIUM) && consoleBuilt();
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000, interval: 100 });

/** Three items, one at a time, each waiting long: the run stays at 0 of 3 done, 1 running, 2 pending. */
const definition = JSON.stringify({
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Map',
      Label: 'Orders',
      MaxConcurrency: 1,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Work', States: { Work: { Type: 'Wait', Seconds: 100000, End: true } } },
      End: true,
    },
  },
});

describe.skipIf(!ready)('the console shows a distributed Map as a Map Run with its progress', { timeout: 60_000 }, () => {
  let server: { url: string; close: () => Promise<void> };
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let client: SFNClient;
  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    client = new SFNClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  }, 40_000);
  afterAll(async () => {
    client?.destroy();
    await browser?.close();
    await server?.close();
  });

  it('lists the run on the execution page with its counts and a progress bar', async () => {
    const machine = await client.send(new CreateStateMachineCommand({ name: 'fan-out', definition, roleArn: 'arn:aws:iam::123456789012:role/r' }));
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, input: JSON.stringify([1, 2, 3]) }));
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/#/executions/${encodeURIComponent(executionArn!)}`);
    const run = page.locator('[data-testid=map-run]');
    await poll(() => run.count()).toBe(1);
    await poll(() => run.locator('[data-testid=map-run-counts]').textContent()).toContain('0 of 3 done');
    await expect(run.locator('[data-testid=map-run-counts]').textContent()).resolves.toContain('1 running · 2 pending');
    await expect(run.textContent()).resolves.toContain('Orders');
    await expect(run.locator('[role=progressbar]').getAttribute('aria-valuemax')).resolves.toBe('3');
    // The one child execution started so far, linked to its own execution page.
    const children = run.locator('[data-testid=map-run-children] a');
    await poll(() => children.count()).toBe(1);
    await expect(children.getAttribute('href')).resolves.toMatch(/^#\/executions\/arn%3Aaws%3Astates%3A[^%]+%3A\d{12}%3Aexecution%3Afan-out%2FOrders%3A[0-9a-f-]{36}$/);
    await page.screenshot({ path: path.join(SHOTS, 'map-run.png'), fullPage: true });
    await client.send(new StopExecutionCommand({ executionArn }));
    await poll(() => run.textContent()).toContain('ABORTED');
    await page.close();
  });
});
