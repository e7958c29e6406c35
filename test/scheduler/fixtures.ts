import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { createApp, type App, type AppOptions } from '../../src/app/create-app.js';

const open: App[] = [];
const dirs: string[] = [];

/** A fresh data dir, removed after the test. */
export function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-sched-'));
  dirs.push(d);
  return d;
}

/** An app that fails the test on any background error, closed after the test. */
export async function stepwright(options: AppOptions): Promise<App> {
  const sw = await createApp({
    onError: (e) => {
      throw e;
    },
    ...options,
  });
  open.push(sw);
  return sw;
}

/** Closes every app opened so far (a test that restarts on the same data dir calls it). */
export async function closeAll(): Promise<void> {
  for (const sw of open.splice(0)) await sw.close();
}

afterEach(async () => {
  await closeAll();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
