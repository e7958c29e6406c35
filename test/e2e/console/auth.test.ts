import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, consoleBuilt, launchBrowser, startServer } from './console-server.js';

// In a real browser: the console behind --auth with its token, and a page on another origin that
// tries to create and run a function on a server without --auth (the attack).

const ready = fs.existsSync(CHROMIUM) && consoleBuilt();

describe.skipIf(!ready)('the console and the browser rules in a real browser', { timeout: 60_000 }, () => {
  let authServer: Awaited<ReturnType<typeof startServer>>;
  let openServer: Awaited<ReturnType<typeof startServer>>;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let evil: Server;
  let evilUrl: string;

  beforeAll(async () => {
    [authServer, openServer, browser] = await Promise.all([
      startServer({ args: ['--auth'], env: { STEPWRIGHT_ACCESS_KEYS: 'AKIDCONSOLETEST:console-secret' } }),
      startServer(),
      launchBrowser(),
    ]);
    // The attacker's page, on another origin (another port of the same loopback address).
    evil = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>a page</title><p>hello</p>');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([authServer?.close(), openServer?.close()]);
    await new Promise((r) => evil?.close(r));
  });

  it('prints a console URL with the token, which opens the console, leaves the address bar and keeps live events', async () => {
    const consoleUrl = /Console: (http:\/\/\S+#token=\S+)/.exec(authServer.banner())?.[1];
    expect(consoleUrl).toBeDefined();
    const page = await browser.context.newPage();
    await page.goto(consoleUrl as string);
    await expect.poll(() => page.getByRole('link', { name: 'order-processing' }).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(new URL(page.url()).hash).toBe('#/');
    await expect.poll(() => page.getByTestId('live').textContent(), { timeout: 10_000 }).toContain('live');
    expect(await page.getByTestId('live').textContent()).not.toContain('offline');
    // The token was kept for this origin: a new tab without it still gets in.
    const again = await browser.context.newPage();
    await again.goto(`${authServer.url}/#/functions`);
    await expect.poll(() => again.getByText('validate-order').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.close();
    await again.close();
  });

  it('without the token, says how to get in', async () => {
    const fresh = await launchBrowser();
    try {
      const page = await fresh.context.newPage();
      await page.goto(`${authServer.url}/`);
      await expect.poll(() => page.getByTestId('token-required').count(), { timeout: 20_000 }).toBe(1);
      expect(await page.getByTestId('token-required').textContent()).toContain('#token=');
    } finally {
      await fresh.close();
    }
  });

  it('a page on another origin cannot create or invoke a function with no-cors POSTs', async () => {
    const page = await browser.context.newPage();
    await page.goto(evilUrl);
    const target = openServer.url;
    const outcome = await page.evaluate(async (server: string) => {
      const create = JSON.stringify({ FunctionName: 'pwned', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/r', Code: { ZipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' } });
      const tries: string[] = [];
      for (const body of [create, new Blob([create])]) {
        await fetch(`${server}/2015-03-31/functions`, { method: 'POST', mode: 'no-cors', body }).then(
          () => tries.push('sent'),
          (e: unknown) => tries.push(String(e)),
        );
      }
      await fetch(`${server}/2015-03-31/functions/validate-order/invocations`, { method: 'POST', mode: 'no-cors', body: '{}' }).then(
        () => tries.push('sent'),
        (e: unknown) => tries.push(String(e)),
      );
      // A CORS request must be preflighted, and the preflight is refused: the browser never sends it.
      const cors = await fetch(`${server}/2015-03-31/functions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: create }).then(
        (r) => `answered ${r.status}`,
        () => 'blocked',
      );
      return { tries, cors };
    }, target);
    expect(outcome.cors).toBe('blocked');
    const listed = (await (await fetch(`${target}/2015-03-31/functions`)).json()) as { Functions: { FunctionName: string }[] };
    expect(listed.Functions.map((f) => f.FunctionName)).not.toContain('pwned');
    const logs = (await (await fetch(`${target}/console/api/functions/validate-order/invocations`)).json()) as { invocations: unknown[] };
    expect(logs.invocations).toEqual([]);
    await page.close();
  });
});
