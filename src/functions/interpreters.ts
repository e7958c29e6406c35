/**
 * Which interpreter runs a function: one of the version its runtime asks for when the PATH has it
 * (`python3.12` for python3.12; a `node` or `node22` whose version is 22.x for nodejs22.x), else the
 * nearest there is (`python3`, the server's own Node), with a note saying so. Lambda runs each
 * runtime on its own interpreter; locally, a function that asked for another still runs, and the
 * person running it is told on which.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runtimeFamily, runtimeVersion, type FunctionRuntimeName } from './config.js';
import { userCan, type WorkerUser } from './worker-user.js';

export interface Interpreter {
  /** The executable the worker runs. */
  readonly command: string;
  /** Its version, e.g. `3.12.1` or `20.20.2`; undefined when it could not be asked (not installed). */
  readonly version: string | undefined;
  /** Whether it is the version the runtime asks for. */
  readonly matches: boolean;
  /** Said when it does not match: which interpreter runs the function instead, and why. */
  readonly note?: string;
}

/** How long asking an interpreter its version may take (a pyenv shim runs a shell script first). */
const PROBE_TIMEOUT_MS = 5_000;

interface Probe {
  readonly version: string;
  readonly executable: string;
}

/** command path → what it said (undefined: it does not run), once per process. */
const probes = new Map<string, Probe | undefined>();

function probe(command: string, family: 'node' | 'python', pathVar: string): Probe | undefined {
  if (probes.has(command)) return probes.get(command);
  let found: Probe | undefined;
  try {
    const args = family === 'python' ? ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3]); print(sys.executable)'] : ['-p', 'process.versions.node + "\\n" + process.execPath'];
    const out = execFileSync(command, args, { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, env: { PATH: pathVar }, stdio: ['ignore', 'pipe', 'ignore'] });
    const [version, executable] = out.trim().split('\n');
    if (version !== undefined && /^\d+\.\d+/.test(version)) found = { version, executable: executable !== undefined && executable !== '' ? executable : command };
  } catch {
    // Not installed here: a pyenv shim of a version that is not selected exits 127.
  }
  probes.set(command, found);
  return found;
}

/** Every executable named `name` on the PATH, in PATH order (duplicates of one file once). */
function onPath(name: string, pathVar: string, user: WorkerUser | undefined): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const dir of pathVar.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      if (!fs.statSync(candidate).isFile()) continue;
      fs.accessSync(candidate, fs.constants.X_OK);
    } catch {
      continue;
    }
    if (user !== undefined && !userCan(user, candidate, 1)) continue;
    const real = fs.realpathSync(candidate);
    if (seen.has(real)) continue;
    seen.add(real);
    out.push(candidate);
  }
  return out;
}

/** Whether `version` (e.g. `3.12.1`, `22.3.0`) is the one `wanted` (`3.12`, `22`) names. */
function isVersion(version: string, wanted: string): boolean {
  return version === wanted || version.startsWith(`${wanted}.`);
}

/**
 * The interpreter for `runtime` on `pathVar`, as `user` (undefined: the server's user) may run it.
 * `serverNode` is the server's own Node, the fallback of every Node runtime.
 */
export function resolveInterpreter(
  runtime: FunctionRuntimeName,
  pathVar: string,
  user: WorkerUser | undefined,
  serverNode: { readonly command: string; readonly version: string } = { command: process.execPath, version: process.versions.node },
): Interpreter {
  const family = runtimeFamily(runtime);
  const wanted = runtimeVersion(runtime);
  // The resolved executable skips a pyenv shim's start-up on every worker, when the user may run it.
  const runnable = (p: Probe, command: string): string => (user === undefined || userCan(user, p.executable, 1) ? p.executable : command);
  if (family === 'node') {
    if (isVersion(serverNode.version, wanted)) return { command: serverNode.command, version: serverNode.version, matches: true };
    for (const command of [...onPath(`node${wanted}`, pathVar, user), ...onPath('node', pathVar, user)]) {
      const p = probe(command, 'node', pathVar);
      if (p !== undefined && isVersion(p.version, wanted)) return { command: runnable(p, command), version: p.version, matches: true };
    }
    return {
      command: serverNode.command,
      version: serverNode.version,
      matches: false,
      note: `${runtime} asked; runs on Node.js ${serverNode.version} (${serverNode.command}): no Node.js ${wanted} on PATH (as node${wanted} or node)`,
    };
  }
  for (const command of onPath(`python${wanted}`, pathVar, user)) {
    const p = probe(command, 'python', pathVar);
    if (p !== undefined && isVersion(p.version, wanted)) return { command: runnable(p, command), version: p.version, matches: true };
  }
  for (const command of onPath('python3', pathVar, user)) {
    const p = probe(command, 'python', pathVar);
    if (p === undefined) continue;
    if (isVersion(p.version, wanted)) return { command: runnable(p, command), version: p.version, matches: true };
    return {
      command: runnable(p, command),
      version: p.version,
      matches: false,
      note: `${runtime} asked; runs on Python ${p.version} (${runnable(p, command)}): no python${wanted} on PATH`,
    };
  }
  return { command: 'python3', version: undefined, matches: false, note: `${runtime} asked, and no python${wanted} nor python3 runs on PATH: its invocations fail until one is installed` };
}
