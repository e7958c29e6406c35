import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM, consoleBuilt, launchBrowser, startServer } from './console-server.js';

// The "Bad input": malformed JSON in the editor, a definition of 10,000 states, an execution
// of ~25,000 events and a 256 KB payload, each in a real browser. (Names with HTML: console.test.ts.)

const ROLE = 'arn:aws:iam::123456789012:role/StepwrightExecutionRole';
const runId = Date.now().toString(36);

let server: { url: string; close: () => Promise<void> };
let browser: { context: BrowserContext; close: () => Promise<void> };
let page: Page;
let pageErrors: string[] = [];

/** One Step Functions API call (awsJson1_0), as the SDK would make it. */
async function api<T>(operation: string, input: object): Promise<T> {
  const res = await fetch(`${server.url}/`, { method: 'POST', headers: { 'x-amz-target': `AWSStepFunctions.${operation}`, 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(input) });
  const body = (await res.json()) as T;
  if (!res.ok) throw new Error(`${operation}: ${JSON.stringify(body)}`);
  return body;
}

async function createMachine(name: string, definition: object): Promise<string> {
  const { stateMachineArn } = await api<{ stateMachineArn: string }>('CreateStateMachine', { name: `${name}-${runId}`, roleArn: ROLE, definition: JSON.stringify(definition) });
  return stateMachineArn;
}

/** Starts an execution and waits (through the API) until it has succeeded. */
async function runToEnd(stateMachineArn: string, input: string): Promise<string> {
  const { executionArn } = await api<{ executionArn: string }>('StartExecution', { stateMachineArn, input });
  await expect
    .poll(async () => (await api<{ status: string }>('DescribeExecution', { executionArn })).status, { timeout: 20_000, interval: 100 })
    .toBe('SUCCEEDED');
  return executionArn;
}

/** Replaces the CodeMirror document the way a person pasting would. */
async function setEditorText(p: Page, text: string): Promise<void> {
  await p.locator('.cm-content').click();
  await p.keyboard.press('Control+A');
  await p.keyboard.press('Delete');
  await p.keyboard.insertText(text);
}

/** The page still answers a person: another nav item opens its page within a few seconds. */
/**
 * The longest the main thread may be busy at once. Generous (CI shares two cores with the rest of
 * the suite); what it catches is a page held for seconds, as placing 100 diagnostics in a
 * 10,000-state definition did (2.7 s) before the text was scanned once per validation.
 */
const FREEZE_MS = 1_500;

async function longTasks(p: Page): Promise<number[]> {
  return p.evaluate<number[]>('window.__longTasks');
}

async function assertInteractive(p: Page): Promise<number> {
  const started = Date.now();
  await p.click('nav >> text=Functions', { timeout: 5_000 });
  await p.waitForSelector('nav a[aria-current=page]:has-text("Functions")', { timeout: 5_000 });
  return Date.now() - started;
}

const ready = fs.existsSync(CHROMIUM) && consoleBuilt();
const poll = <T>(fn: () => Promise<T> | T, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });

describe.skipIf(!ready)('the web console given bad input, in a real browser', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // A fresh tab per test: each test stands alone.
  beforeEach(async () => {
    pageErrors = [];
    page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    // Main-thread tasks over 50 ms, as the browser reports them: how long the page could not answer.
    // (Browser code as text: the suite's tsconfig has no DOM types.)
    await page.addInitScript({
      content: `window.__longTasks = [];
        new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration)); })
          .observe({ type: 'longtask', buffered: true });`,
    });
  });

  afterEach(async () => {
    // The profile is shared by the file's tests; leave no filled storage behind.
    await page.evaluate('localStorage.clear()').catch(() => undefined);
    await page.close();
  });

  it('marks malformed JSON at the line and column of the error, and clears the mark once the text is fixed', async () => {
    await page.goto(`${server.url}/#/machines/new`);
    await page.waitForSelector('.cm-content');
    // Line 4 lacks the comma before "End": the parser stops at that key.
    const broken = '{\n  "StartAt": "A",\n  "States": {\n    "A": { "Type": "Pass" "End": true }\n  }\n}\n';
    await setEditorText(page, broken);
    const diagnostics = page.locator('[data-testid=diagnostics]');
    await poll(() => diagnostics.textContent()).toContain('INVALID_JSON_DESCRIPTION');
    // The mark is one character on line 4, where "End" starts.
    const mark = page.locator('.cm-lintRange-error');
    await poll(() => mark.count()).toBe(1);
    expect(await mark.textContent()).toBe('"');
    const line = (await page.evaluate(`(() => {
      const el = document.querySelector('.cm-lintRange-error');
      const row = el.closest('.cm-line');
      const before = document.createRange();
      before.setStart(row, 0);
      before.setEndBefore(el);
      return { index: [...row.parentElement.children].indexOf(row), text: row.textContent, column: before.toString().length };
    })()`)) as { index: number; text: string; column: number };
    expect(line.index).toBe(3);
    expect(line.text.slice(line.column)).toMatch(/^"End"/);
    expect(line.column).toBe(broken.split('\n')[3].indexOf('"End"'));
    expect(await page.locator('button:has-text("Create")').isDisabled()).toBe(true);
    // The graph keeps what it could draw; nothing crashed.
    expect(await page.locator('.graph-empty, [data-testid=graph]').count()).toBe(1);

    // Truncated text (an unterminated document) is marked too, not thrown.
    await setEditorText(page, '{\n  "StartAt": "A",\n  "States": {\n    "A": { "Type": "Pa');
    await poll(() => diagnostics.textContent()).toContain('INVALID_JSON_DESCRIPTION');
    await poll(() => mark.count()).toBe(1);

    await setEditorText(page, broken.replace('"Pass" "End"', '"Pass", "End"'));
    await poll(() => diagnostics.textContent()).toContain('Valid definition');
    await poll(() => mark.count()).toBe(0);
    await page.fill('[data-testid=machine-name]', 'fixed');
    expect(await page.locator('button:has-text("Create")').isDisabled()).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it('opens and edits a definition of 10,000 states without freezing: the graph declines, the editor validates', async () => {
    const n = 10_000;
    const states: Record<string, object> = {};
    for (let i = 0; i < n; i++) states[`S${i}`] = i === n - 1 ? { Type: 'Succeed' } : { Type: 'Pass', Next: `S${i + 1}` };
    const arn = await createMachine('ten-thousand', { StartAt: 'S0', States: states });

    await page.goto(`${server.url}/#/machines/${encodeURIComponent(arn)}`);
    await poll(() => page.locator('.graph-empty').textContent()).toContain('10,000 states: too many to draw here');
    await poll(() => page.locator('[data-testid=diagnostics]').textContent()).toContain('Valid definition');

    // Break a transition at the top of the document: validation answers with the pointer.
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+Home');
    const started = Date.now();
    const line = page.locator('.cm-line', { hasText: '"Next": "S1"' }).first();
    await line.click();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.insertText('x');
    await poll(() => page.locator('[data-testid=diagnostics]').textContent(), 10_000).toContain('S1x');
    expect(Date.now() - started).toBeLessThan(10_000);
    await poll(() => page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);
    expect(await page.locator('.cm-lintRange-error').first().textContent()).toContain('S1x');
    expect(await page.locator('.graph-empty').textContent()).toContain('too many to draw');

    // Undo the typo and save the whole definition back (UpdateStateMachine).
    await page.keyboard.press('Backspace');
    await poll(() => page.locator('[data-testid=diagnostics]').textContent()).toContain('Valid definition');
    await page.click('button:has-text("Save")');
    await poll(() => page.locator('p.ok', { hasText: 'Saved.' }).count()).toBe(1);

    expect(Math.max(0, ...(await longTasks(page)))).toBeLessThan(FREEZE_MS);
    expect(await assertInteractive(page)).toBeLessThan(5_000);
    expect(pageErrors).toEqual([]);
  });

  it('shows an execution of ~25,000 events: pages its history, time-travels, and stays responsive', async () => {
    // Each lap is Inc (entered, exited) and Check (entered, exited): 4 events; 6,240 laps ≈ 24,960 events.
    const arn = await createMachine('long-history', {
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [{ Variable: '$.i', NumericLessThan: 6240, Next: 'Inc' }], Default: 'Done' },
        Inc: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'Check' },
        Done: { Type: 'Succeed' },
      },
    });
    const executionArn = await runToEnd(arn, '{"i":0}');

    const started = Date.now();
    await page.goto(`${server.url}/#/executions/${encodeURIComponent(executionArn)}`);
    await poll(() => page.locator('h1 .badge').textContent(), 20_000).toBe('SUCCEEDED');
    const slider = page.locator('[data-testid=time-travel]');
    await poll(async () => Number(await slider.getAttribute('max')), 20_000).toBeGreaterThan(24_900);
    const total = Number(await slider.getAttribute('max')) + 1;
    expect(total).toBeLessThanOrEqual(25_000);
    expect(Date.now() - started).toBeLessThan(20_000);

    // The history is paged: the first rows are there, not all 25,000.
    const rows = page.locator('[data-testid=history] > tbody > tr');
    await poll(() => rows.count()).toBe(500);
    expect(await rows.first().textContent()).toContain('ExecutionStarted');
    await page.click('button:has-text("Show 500 more")');
    await poll(() => rows.count()).toBe(1000);
    expect(await rows.nth(999).locator('td').first().textContent()).toBe('1000');

    // Time travel to event 101 replays 25 laps: Check has run, Inc is running or done, Done not yet.
    await slider.fill('100');
    await poll(() => page.locator('label[for=time-travel]').textContent()).toContain(`after event 101 of ${total}`);
    await poll(() => page.locator('[data-state=Done]').getAttribute('data-status')).toBeNull();
    await page.click('[data-state=Check] button');
    await poll(() => page.locator('[data-testid=state-details]').textContent()).toContain('Entered 25 times');
    await slider.fill(String(total - 1));
    await poll(() => page.locator('[data-state=Done]').getAttribute('data-status')).toBe('succeeded');

    expect(Math.max(0, ...(await longTasks(page)))).toBeLessThan(FREEZE_MS);
    expect(await assertInteractive(page)).toBeLessThan(5_000);
    expect(pageErrors).toEqual([]);
  });

  it('starts an execution with a 256 KB input from the page and shows its input and output as text inside the page width', async () => {
    const arn = await createMachine('big-payload', { StartAt: 'Carry', States: { Carry: { Type: 'Pass', End: true } } });
    // Just under AWS's 256 KiB limit on execution input; one unbroken line is the hardest case to lay out.
    const input = JSON.stringify({ blob: 'x'.repeat(262_144 - 100), html: '<b>bold</b>' });
    expect(Buffer.byteLength(input)).toBeLessThan(262_144);

    await page.goto(`${server.url}/#/machines/${encodeURIComponent(arn)}`);
    await page.click('button:has-text("Start execution")');
    // A browser whose storage is full (where the last input is remembered) still starts executions.
    await page.evaluate(`{
      let i = 0;
      for (const size of [1 << 20, 1 << 16, 1 << 10]) {
        try {
          for (; i < 1000; i++) localStorage.setItem('filler-' + i, 'x'.repeat(size));
        } catch {
          // full at this size: go on with smaller pieces
        }
      }
    }`);
    // Over the limit: StartExecution's ValidationException is shown and the form stays usable.
    await page.fill('[data-testid=execution-input]', JSON.stringify({ blob: 'x'.repeat(262_144) }));
    await page.click('.start-execution button:has-text("Start execution")');
    await poll(() => page.locator('.start-execution [role=alert]').textContent()).toContain('Member must have length less than or equal to 262144');
    await page.fill('[data-testid=execution-input]', input);
    await page.click('.start-execution button:has-text("Start execution")');
    await poll(() => page.locator('h1 .badge').textContent()).toBe('SUCCEEDED');

    await page.click('[data-state=Carry] button');
    const details = page.locator('[data-testid=state-details]');
    await poll(async () => (await details.locator('[data-testid=json-input]').textContent())?.length ?? 0).toBeGreaterThan(262_000);
    expect(await details.locator('[data-testid=json-output]').textContent()).toContain('"html": "<b>bold</b>"');
    expect(await page.locator('[data-testid=state-details] b').count()).toBe(0);

    // Layout holds: no sideways scrolling, and the blocks scroll inside a bounded height.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    for (const id of ['json-input', 'json-output']) {
      const box = (await details.locator(`[data-testid=${id}]`).boundingBox())!;
      expect(box.height).toBeLessThanOrEqual(400);
      expect(box.x + box.width).toBeLessThanOrEqual(1280);
    }
    // The expanded history row with the same payload stays inside the page too.
    await page.click('[data-testid=history] button:has-text("ExecutionStarted")');
    const row = (await page.locator('[data-testid=history] .details-row pre').boundingBox())!;
    expect(row.height).toBeLessThanOrEqual(440);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);

    expect(Math.max(0, ...(await longTasks(page)))).toBeLessThan(FREEZE_MS);
    expect(await assertInteractive(page)).toBeLessThan(5_000);
    expect(pageErrors).toEqual([]);
  });
});
