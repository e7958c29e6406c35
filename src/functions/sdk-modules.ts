/**
 * The AWS SDK for JavaScript v3 as Lambda's Node runtimes provide it (/var/runtime/node_modules):
 * a handler may `require('@aws-sdk/client-dynamodb')` or import it without bundling it, and SAM
 * projects rely on that. Stepwright ships SDK clients of its own (the AWS service integrations use
 * them); a node_modules folder holding only the `@aws-sdk` and `@smithy` scopes goes last on the
 * function's NODE_PATH (after its layers, as on Lambda) and is the parent of the ES-module fallback
 * of the Node bootstrap. Only the SDK is visible this way, not the rest of Stepwright's
 * dependencies: a handler that needs another package must bring it, as on Lambda.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** The scopes Lambda's runtime provides: the SDK clients and the Smithy packages they are made of. */
const SCOPES = ['@aws-sdk', '@smithy'] as const;

/** The node_modules folder Stepwright's SDK clients are installed in, or undefined when none is. */
export function sdkInstallDir(): string | undefined {
  try {
    // …/node_modules/@aws-sdk/client-sqs/package.json → …/node_modules
    return path.dirname(path.dirname(path.dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-sqs/package.json'))));
  } catch {
    return undefined;
  }
}

const made = new Map<'linked' | 'mirrored', string>();

/**
 * A node_modules folder under the temp dir, readable by all (the worker user among them), filled
 * once by `fill` and removed at exit; made once per process for each kind.
 */
function madeOnce(kind: 'linked' | 'mirrored', fill: (dir: string) => void): string {
  const known = made.get(kind);
  if (known !== undefined) return known;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-lambda-sdk-'));
  fs.chmodSync(root, 0o755);
  process.once('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'node_modules');
  fs.mkdirSync(dir);
  fs.chmodSync(dir, 0o755);
  fill(dir);
  made.set(kind, dir);
  return dir;
}

/** A node_modules folder linking to the SDK's scopes where they are installed: for workers that can read the installation. */
export function linkedSdkModules(installDir: string): string {
  return madeOnce('linked', (dir) => {
    for (const scope of SCOPES) {
      const target = path.join(installDir, scope);
      if (fs.existsSync(target)) fs.symlinkSync(target, path.join(dir, scope), 'dir');
    }
  });
}

/**
 * The SDK for a worker user that cannot read the installation (a checkout in a private folder):
 * the packages of `sdkPackageCopies` mirrored, each file hard-linked where the file system allows
 * (no copy of ~37 MB on a worker's first start) and copied where it does not or where the file is
 * not readable by others.
 */
export function mirroredSdkModules(installDir: string): string {
  return madeOnce('mirrored', (dir) => {
    for (const { from, to } of sdkPackageCopies(installDir)) mirror(from, path.join(dir, to));
  });
}

function mirror(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true, mode: 0o755 });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) mirror(source, target);
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(source), target);
    else if (entry.isFile()) {
      const readable = (fs.statSync(source).mode & 0o004) !== 0;
      try {
        if (!readable) throw new Error('not readable by others');
        fs.linkSync(source, target);
      } catch {
        fs.copyFileSync(source, target);
        fs.chmodSync(target, 0o644);
      }
    }
  }
}

/**
 * What a copy of the SDK for a worker that cannot read the installation holds: every package of the
 * two scopes and, transitively, the packages they depend on, each as `NAME` inside a node_modules folder (a name
 * found twice keeps the copy nearest the top, as npm hoists it).
 */
export function sdkPackageCopies(installDir: string): { readonly from: string; readonly to: string }[] {
  const found = new Map<string, string>();
  const queue: string[] = [];
  for (const scope of SCOPES) {
    const dir = path.join(installDir, scope);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) queue.push(`${scope}/${name}`);
  }
  // Node's lookup: a node_modules folder in the dependent's folder and each one above it inside the
  // installation, then the installation itself.
  const locate = (name: string, from: string): string | undefined => {
    for (let d = from; d.startsWith(installDir + path.sep); d = path.dirname(d)) {
      const nested = path.join(d, 'node_modules', name);
      if (fs.existsSync(path.join(nested, 'package.json'))) return nested;
    }
    const top = path.join(installDir, name);
    return fs.existsSync(path.join(top, 'package.json')) ? top : undefined;
  };
  const pending = queue.map((name) => ({ name, from: installDir }));
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (found.has(next.name)) continue;
    const dir = locate(next.name, next.from);
    if (dir === undefined) continue;
    found.set(next.name, dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(manifest.dependencies ?? {})) if (!found.has(dep)) pending.push({ name: dep, from: dir });
  }
  return [...found].map(([name, from]) => ({ from, to: name }));
}
