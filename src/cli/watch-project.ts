/**
 * `stepwright dev`'s reloads: watches a project's `functions/` and `state-machines/` (chokidar:
 * Node 20's recursive fs.watch drops events) and applies every save to the running server.
 * Changes are debounced per function folder and per state machine, and each reload reads the files
 * as they are when it runs, so a burst of saves ends with the last one live; an editor's atomic save
 * (write a temporary file, rename it over the original) is one change, not a deletion.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { loadFunctionDir, type FunctionRuntime } from '../functions/index.js';
import { validateDefinition } from '../language/validate/index.js';
import { stateMachineArnOf, type Service } from '../service/index.js';
import type { MachineType } from '../store/index.js';
import type { CliIO } from './io.js';

/** Saves that arrive together (an editor writes a file in several steps) reload once. */
const SETTLE_MS = 60;
/** Folders never watched nor fingerprinted: installed packages, caches, version control. */
const SKIPPED_DIRS = new Set(['node_modules', '__pycache__', '.git']);
/** Function folders with more files than this are reloaded on every change, unfingerprinted. */
const MAX_FINGERPRINT_FILES = 2000;

/** What a reload did; tests and the console follow along through `onApplied`. */
export type AppliedChange =
  | { readonly kind: 'stateMachine'; readonly name: string; readonly action: 'created' | 'updated' | 'deleted'; readonly definition?: string }
  | { readonly kind: 'function'; readonly name: string; readonly action: 'registered' | 'unregistered'; readonly fingerprint?: string };

export interface WatchProjectOptions {
  readonly region: string;
  readonly accountId: string;
  readonly roleArn: string;
  readonly onApplied?: (change: AppliedChange) => void;
}

export interface ProjectWatch {
  /** Resolves once the watcher is up and the project's current files are loaded. */
  readonly ready: Promise<void>;
  /** Stops watching and waits for the reload in progress. */
  close(): Promise<void>;
}

/** `NAME.asl.json` (STANDARD), `NAME.express.asl.json` (EXPRESS), plain `NAME.json`: as project.ts reads them. */
const DEFINITION_FILE = /^(.+?)(\.express)?(?:\.asl)?\.json$/;

/**
 * A digest of a function folder's files (relative names and contents), so a save that changed
 * nothing (a touch, an atomic save's temporary file come and gone) keeps the warm workers.
 * Undefined when the folder is too big to read on every change.
 */
export function folderFingerprint(dir: string): string | undefined {
  const hash = createHash('sha256');
  let files = 0;
  const walk = (rel: string): boolean => {
    const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name) && !walk(child)) return false;
      } else if (e.isFile()) {
        if (++files > MAX_FINGERPRINT_FILES) return false;
        hash.update(child).update('\0').update(fs.readFileSync(path.join(dir, child))).update('\0');
      }
    }
    return true;
  };
  return walk('') ? hash.digest('hex') : undefined;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function watchProject(target: { readonly service: Service; readonly runtime: FunctionRuntime }, project: string, io: CliIO, options: WatchProjectOptions): ProjectWatch {
  const root = path.resolve(project);
  const functionsDir = path.join(root, 'functions');
  const definitionsDir = path.join(root, 'state-machines');
  const shown = (file: string): string => path.relative(process.cwd(), file) || file;
  const arnOf = (name: string): string => stateMachineArnOf({ region: options.region, accountId: options.accountId }, name);

  /** Function folder → the name it is registered under and the fingerprint of the code it runs. */
  const functions = new Map<string, { name: string; fingerprint?: string }>();
  /** State machines loaded from files in this session: only those are deleted with their file. */
  const machines = new Set<string>();

  const reloadFunction = async (folder: string): Promise<void> => {
    const dir = path.join(functionsDir, folder);
    const live = functions.get(folder);
    if (!fs.existsSync(dir)) {
      if (live === undefined) return;
      functions.delete(folder);
      await target.runtime.unregister(live.name);
      io.out(`function ${live.name}: ${shown(dir)} is gone, unregistered\n`);
      options.onApplied?.({ kind: 'function', name: live.name, action: 'unregistered' });
      return;
    }
    let config;
    let fingerprint;
    try {
      config = loadFunctionDir(dir, folder);
      fingerprint = folderFingerprint(dir);
    } catch (e) {
      const stays = live === undefined ? 'it is not registered until this is fixed' : `the previous version of ${live.name} stays live`;
      io.err(`function ${folder}: ${message(e)}; ${stays}\n`);
      return;
    }
    if (live !== undefined && fingerprint !== undefined && live.fingerprint === fingerprint && live.name === config.name) return;
    if (live !== undefined && live.name !== config.name) await target.runtime.unregister(live.name);
    // New workers run the new code; warm ones finish what they are doing first.
    target.runtime.register(config);
    functions.set(folder, { name: config.name, ...(fingerprint !== undefined ? { fingerprint } : {}) });
    io.out(`function ${config.name}: ${live === undefined ? 'loaded' : 'reloaded'}\n`);
    options.onApplied?.({ kind: 'function', name: config.name, action: 'registered', ...(fingerprint !== undefined ? { fingerprint } : {}) });
  };

  const reloadMachine = async (name: string): Promise<void> => {
    const arn = arnOf(name);
    const files = fs.existsSync(definitionsDir)
      ? fs.readdirSync(definitionsDir).flatMap((entry) => {
          const m = DEFINITION_FILE.exec(entry);
          return m !== null && m[1] === name ? [{ file: path.join(definitionsDir, entry), type: (m[2] === undefined ? 'STANDARD' : 'EXPRESS') as MachineType }] : [];
        })
      : [];
    const existing = await target.service.stateMachineOf(arn).catch((e: unknown) => {
      if ((e as { code?: unknown }).code === 'StateMachineDoesNotExist') return undefined;
      throw e;
    });
    const stays = existing === undefined ? `state machine ${name} is not created until this is fixed` : `the previous version of state machine ${name} stays live`;
    if (files.length === 0) {
      if (!machines.has(name)) return;
      machines.delete(name);
      if (existing !== undefined) await target.service.deleteStateMachine(arn);
      io.out(`state machine ${name}: its file is gone, deleted\n`);
      options.onApplied?.({ kind: 'stateMachine', name, action: 'deleted' });
      return;
    }
    if (files.length > 1) {
      io.err(`state machine ${name}: defined by ${files.map((f) => shown(f.file)).join(' and ')}; keep one. ${stays}\n`);
      return;
    }
    const [{ file, type }] = files;
    let definition: string;
    try {
      definition = fs.readFileSync(file, 'utf8');
    } catch (e) {
      // Gone between the listing and the read: the unlink that follows reloads again.
      io.err(`${shown(file)}: ${message(e)}; ${stays}\n`);
      return;
    }
    machines.add(name);
    if (existing !== undefined && existing.type === type && existing.definition === definition) return;
    const errors = validateDefinition(definition, { type }).filter((d) => d.severity === 'ERROR');
    if (errors.length > 0) {
      for (const d of errors) io.err(`${shown(file)}${d.path === '' ? '' : `:${d.path}`}: ${d.code} ${d.message}\n`);
      io.err(`${shown(file)}: ${stays}\n`);
      return;
    }
    try {
      if (existing !== undefined && existing.type !== type) {
        // AWS cannot change a machine's type: a renamed .express file makes a new machine.
        await target.service.deleteStateMachine(arn);
      }
      if (existing === undefined || existing.type !== type) await target.service.createStateMachine({ name, definition, roleArn: options.roleArn, type });
      else await target.service.updateStateMachine({ stateMachineArn: arn, definition });
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      io.err(`${shown(file)}: ${typeof code === 'string' ? `${code}: ` : ''}${message(e)}; ${stays}\n`);
      return;
    }
    const action = existing === undefined || existing.type !== type ? 'created' : 'updated';
    io.out(`state machine ${name}: ${action === 'created' ? 'loaded' : 'updated'} from ${shown(file)}\n`);
    options.onApplied?.({ kind: 'stateMachine', name, action, definition });
  };

  // One reload at a time, in the order their files settled; each key waits SETTLE_MS of quiet.
  const timers = new Map<string, NodeJS.Timeout>();
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  const run = (key: string): void => {
    chain = chain
      .then(() => (closed ? undefined : key.startsWith('fn:') ? reloadFunction(key.slice(3)) : reloadMachine(key.slice(3))))
      .catch((e: unknown) => io.err(`reload of ${key.slice(3)} failed: ${message(e)}\n`));
  };
  const later = (key: string): void => {
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        run(key);
      }, SETTLE_MS),
    );
  };

  /** The reload a changed path asks for, or undefined when it is nothing of ours. */
  const keyOf = (file: string): string | undefined => {
    const parts = path.relative(root, file).split(path.sep);
    if (parts[0] === 'functions' && parts.length >= 2) return `fn:${parts[1]}`;
    if (parts[0] === 'state-machines' && parts.length === 2) {
      const m = DEFINITION_FILE.exec(parts[1]);
      return m === null ? undefined : `sm:${m[1]}`;
    }
    return undefined;
  };
  const ignored = (file: string): boolean => {
    const rel = path.relative(root, file);
    if (rel === '') return false;
    const parts = rel.split(path.sep);
    if (parts[0] !== 'functions' && parts[0] !== 'state-machines') return true;
    if (parts[0] === 'state-machines' && parts.length > 2) return true;
    return parts.some((p) => SKIPPED_DIRS.has(p));
  };

  const watcher: FSWatcher = watch(root, { ignoreInitial: true, ignored, atomic: true, depth: 8 });
  watcher.on('all', (event, file) => {
    if (event === 'unlinkDir' && path.resolve(file) === definitionsDir) {
      for (const name of machines) later(`sm:${name}`);
      return;
    }
    if (event === 'unlinkDir' && path.resolve(file) === functionsDir) {
      for (const folder of functions.keys()) later(`fn:${folder}`);
      return;
    }
    const key = keyOf(path.resolve(file));
    if (key !== undefined) later(key);
  });
  watcher.on('error', (e) => io.err(`watching ${shown(root)}: ${message(e)}\n`));

  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve())).then(() => {
    // Watching before reading: a save made while the project loads is seen by the watcher.
    if (fs.existsSync(functionsDir)) {
      for (const e of fs.readdirSync(functionsDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.isDirectory() && !e.name.startsWith('.')) run(`fn:${e.name}`);
      }
    }
    if (fs.existsSync(definitionsDir)) {
      const names = new Set(fs.readdirSync(definitionsDir).flatMap((entry) => DEFINITION_FILE.exec(entry)?.[1] ?? []));
      for (const name of [...names].sort()) run(`sm:${name}`);
    }
    return chain;
  });

  return {
    ready,
    async close() {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      await watcher.close();
      await chain;
    },
  };
}
