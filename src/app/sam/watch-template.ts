/**
 * `stepwright dev --sam`'s reloads: watches the template, its functions' code and layer folders and
 * its definition files (chokidar, atomic saves as one change), and after each burst of saves loads
 * the template again and applies the difference: changed functions are registered again (warm
 * workers of unchanged ones stay), changed machines updated, removed ones unregistered or deleted.
 * A template that no longer loads prints its error, and what was live stays live.
 */
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { FunctionRuntime } from '../../functions/index.js';
import type { Service } from '../../service/index.js';
import { stateMachineArnOf } from '../../service/index.js';
import { syncStateMachines } from '../project.js';
import { shownPath } from './errors.js';
import { loadSamTemplate, type SamProject, type SamTemplateOptions } from './load-template.js';
import { describeFailure, resourcePlace, samDefinitions } from './register.js';

/** Saves that arrive together (an editor writes in several steps, a checkout many files) reload once. */
const SETTLE_MS = 60;
/** Never watched: installed packages, caches, version control, SAM's build output. */
const SKIPPED_DIRS = new Set(['node_modules', '__pycache__', '.git', '.aws-sam', '.stepwright']);

export type SamAppliedChange =
  | { readonly kind: 'function'; readonly name: string; readonly action: 'registered' | 'unregistered' }
  | {
      readonly kind: 'stateMachine';
      readonly name: string;
      readonly action: 'created' | 'updated' | 'deleted';
      readonly definition?: string;
    }
  | { readonly kind: 'activity'; readonly name: string; readonly action: 'created' };

export interface SamTemplateWatchOptions extends SamTemplateOptions {
  readonly region: string;
  readonly accountId: string;
  readonly roleArn: string;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Folders never watched (the server's data dir, when it is under the template's folder). */
  readonly ignoredDirs?: readonly string[];
  readonly onApplied?: (change: SamAppliedChange) => void;
}

export interface SamTemplateWatch {
  /** Resolves once the template is loaded (or its error printed) and the watcher is up. */
  readonly ready: Promise<void>;
  /** The project as last applied, if the template has loaded. */
  readonly project: () => SamProject | undefined;
  /** Stops watching and waits for the reload in progress. */
  close(): Promise<void>;
}

const within = (file: string, dir: string): boolean => {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

export function watchSamTemplate(
  target: { readonly service: Service; readonly runtime: FunctionRuntime },
  templateFile: string,
  options: SamTemplateWatchOptions,
): SamTemplateWatch {
  const file = path.resolve(templateFile);
  const shown = shownPath(file);
  const ignoredDirs = (options.ignoredDirs ?? []).map((d) => path.resolve(d));
  let live: SamProject | undefined;
  /** What this session created, so only that is removed with the template's resource. */
  const functions = new Map<string, string>();
  const machines = new Map<string, string>();
  const activities = new Set<string>();

  const apply = async (changed: ReadonlySet<string>): Promise<void> => {
    let project: SamProject;
    try {
      project = loadSamTemplate(file, options);
    } catch (e) {
      options.err(`${e instanceof Error ? e.message : String(e)}\n`);
      options.err(
        live === undefined
          ? `${shown}: nothing is loaded until this is fixed\n`
          : `${shown}: the previous version stays live\n`,
      );
      return;
    }
    const first = live === undefined;
    if (first || changed.has(file)) for (const line of [...project.skipped, ...project.notes]) options.out(`${line}\n`);

    const now = new Set(project.functions.map((f) => f.config.name));
    for (const [name] of functions) {
      if (now.has(name)) continue;
      functions.delete(name);
      await target.runtime.unregister(name);
      options.out(`function ${name}: no longer in ${shown}, unregistered\n`);
      options.onApplied?.({ kind: 'function', name, action: 'unregistered' });
    }
    for (const f of project.functions) {
      const fingerprint = JSON.stringify(f.config);
      const before = functions.get(f.config.name);
      // The template beside the code (CodeUri: .) is configuration, compared above, not code.
      const touched = [...changed].some((c) => c !== file && f.folders.some((d) => within(c, d)));
      if (before === fingerprint && !touched) continue;
      target.runtime.register(f.config);
      functions.set(f.config.name, fingerprint);
      options.out(`function ${f.config.name}: ${before === undefined ? 'loaded' : 'reloaded'}\n`);
      options.onApplied?.({ kind: 'function', name: f.config.name, action: 'registered' });
    }

    for (const a of project.activities) {
      if (activities.has(a.name)) continue;
      try {
        await target.service.createActivity({ name: a.name });
        activities.add(a.name);
        options.onApplied?.({ kind: 'activity', name: a.name, action: 'created' });
      } catch (e) {
        options.err(`${resourcePlace(project, a.logicalId)}: ${describeFailure(e)}\n`);
      }
    }

    const names = new Set(project.stateMachines.map((m) => m.name));
    for (const [name] of machines) {
      if (names.has(name)) continue;
      machines.delete(name);
      await target.service.deleteStateMachine(stateMachineArnOf(options, name));
      options.out(`state machine ${name}: no longer in ${shown}, deleted\n`);
      options.onApplied?.({ kind: 'stateMachine', name, action: 'deleted' });
    }
    const failed = new Set<string>();
    const definitions = samDefinitions(project);
    await syncStateMachines(target.service, definitions, {
      ...options,
      onError: (source, e) => {
        const m = definitions.find((d) => d.source === source);
        if (m !== undefined) failed.add(m.name);
        const stays =
          m !== undefined && machines.has(m.name)
            ? `the previous version of state machine ${m.name} stays live`
            : `state machine ${m?.name ?? source} is not created until this is fixed`;
        options.err(`${source}: ${describeFailure(e)}\n${source}: ${stays}\n`);
      },
    });
    for (const m of project.stateMachines) {
      if (failed.has(m.name) || machines.get(m.name) === `${m.type}\0${m.definition}`) continue;
      const action = machines.has(m.name) ? 'updated' : 'created';
      machines.set(m.name, `${m.type}\0${m.definition}`);
      options.out(`state machine ${m.name}: ${action === 'created' ? 'loaded' : 'updated'} from ${shown}\n`);
      options.onApplied?.({ kind: 'stateMachine', name: m.name, action, definition: m.definition });
    }

    // Watch what the template now names (a new CodeUri, a new DefinitionUri), and stop watching the rest.
    const before = new Set(live?.files ?? []);
    const after = new Set(project.files);
    const added = [...after].filter((f) => !before.has(f));
    const removed = [...before].filter((f) => !after.has(f) && f !== file);
    live = project; // before add: `ignored` judges the new folders' contents against it
    if (added.length > 0) watcher.add(added);
    if (removed.length > 0) watcher.unwatch(removed);
  };

  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let pending = new Set<string>();
  const run = (changed: ReadonlySet<string>): void => {
    chain = chain
      .then(() => (closed ? undefined : apply(changed)))
      .catch((e: unknown) => options.err(`reload of ${shown} failed: ${describeFailure(e)}\n`));
  };
  const ignored = (p: string): boolean => {
    const abs = path.resolve(p);
    if (ignoredDirs.some((d) => within(abs, d))) return true;
    // Below what is watched only: a template under .aws-sam/build is watched all the same.
    const root = [file, ...(live?.files ?? [])].find((r) => within(abs, r));
    return (
      root !== undefined &&
      path
        .relative(root, abs)
        .split(path.sep)
        .some((part) => SKIPPED_DIRS.has(part))
    );
  };
  const watcher: FSWatcher = watch([file], { ignoreInitial: true, ignored, atomic: true, depth: 8 });
  watcher.on('all', (_event, changedPath) => {
    pending.add(path.resolve(changedPath));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const changed = pending;
      pending = new Set();
      run(changed);
    }, SETTLE_MS);
  });
  watcher.on('error', (e) => options.err(`watching ${shown}: ${describeFailure(e)}\n`));

  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve())).then(() => {
    run(new Set([file]));
    return chain;
  });
  return {
    ready,
    project: () => live,
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
      await chain;
    },
  };
}
