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

/** A folder any worker user may write to (0777), removed with the function folders. */
export function journalDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-journal-'));
  fs.chmodSync(dir, 0o777);
  roots.push(dir);
  return dir;
}

/** Whether a process runs (a zombie, dead but not yet reaped by its new parent, does not). */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name in parentheses, which may itself hold spaces or parens.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The pids still running after waiting up to `ms` for all of them to end (the kill is asynchronous). */
export async function waitUntilGone(pids: readonly number[], ms = 3_000): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const alive = pids.filter(isRunning);
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await new Promise((r) => setTimeout(r, 20));
  }
}
