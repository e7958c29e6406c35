import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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
