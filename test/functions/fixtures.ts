import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InvokeResult } from '../../src/functions/index.js';

const roots: string[] = [];

/** A function's code folder in a temporary directory, with the given files (paths may have folders). */
export function functionDir(files: Readonly<Record<string, string>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-fn-'));
  roots.push(dir);
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return dir;
}

export function removeFunctionDirs(): void {
  for (const d of roots.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A successful invocation's parsed payload (fails the test otherwise). */
export function ok(r: InvokeResult): unknown {
  if (!r.ok) throw new Error(`expected success, got ${r.payload}`);
  return JSON.parse(r.payload);
}

/** A failed invocation (fails the test when it succeeded). */
export function failed(r: InvokeResult): Extract<InvokeResult, { ok: false }> {
  if (r.ok) throw new Error(`expected a function error, got ${r.payload}`);
  return r;
}
