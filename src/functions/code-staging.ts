/**
 * Copies of function code for a worker user who cannot read it where it is: the functions created
 * through the API live in the data dir, which only the server's user may enter (0700). A copy is
 * made once per registered configuration, owned by the worker user and private to it (0700), under
 * a folder of the server (0711: others may pass, not list); removed when the function's workers
 * are gone, and at close. Copies left by a server that was killed are swept at the next start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { userCan, type WorkerUser } from './worker-user.js';

const PREFIX = 'stepwright-functions-';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes staging folders whose server (the pid in the name) no longer runs. */
function sweepStale(tmp: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(tmp);
  } catch {
    return;
  }
  for (const name of names) {
    const m = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (m === null || Number(m[1]) === process.pid || isAlive(Number(m[1]))) continue;
    try {
      fs.rmSync(path.join(tmp, name), { recursive: true, force: true });
    } catch {
      // Someone else's, or being removed by another server: not ours to insist on.
    }
  }
}

function chownTree(dir: string, user: WorkerUser): void {
  fs.lchownSync(dir, user.uid, user.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, user);
    else fs.lchownSync(p, user.uid, user.gid);
  }
}

export class CodeStaging {
  private root: string | undefined;
  private count = 0;

  constructor(private readonly user: WorkerUser) {}

  /** Whether the worker user can load code from `dir` as it is (the folder, read and search). */
  canUseInPlace(dir: string): boolean {
    return userCan(this.user, dir, 5);
  }

  /**
   * A copy of `dir` the worker user owns; `label` names it (the function's name). `extras` are
   * more folders copied into it (`to` relative to the copy), e.g. packages its code imports.
   */
  stage(dir: string, label: string, extras: readonly { readonly from: string; readonly to: string }[] = []): string {
    if (this.root === undefined) {
      const tmp = os.tmpdir();
      sweepStale(tmp);
      this.root = fs.mkdtempSync(path.join(tmp, `${PREFIX}${process.pid}-`));
      fs.chmodSync(this.root, 0o711);
    }
    const dest = path.join(this.root, `${label}-${++this.count}`);
    try {
      fs.cpSync(dir, dest, { recursive: true, verbatimSymlinks: true });
      for (const extra of extras) fs.cpSync(extra.from, path.join(dest, extra.to), { recursive: true, verbatimSymlinks: true });
      chownTree(dest, this.user);
      fs.chmodSync(dest, 0o700);
    } catch (e) {
      fs.rmSync(dest, { recursive: true, force: true });
      throw e;
    }
    return dest;
  }

  /** Removes one copy (its workers are gone). */
  remove(copy: string): void {
    if (this.root !== undefined && copy.startsWith(this.root + path.sep)) fs.rmSync(copy, { recursive: true, force: true });
  }

  close(): void {
    if (this.root !== undefined) fs.rmSync(this.root, { recursive: true, force: true });
    this.root = undefined;
  }
}
