import fs from 'node:fs';
import path from 'node:path';
import { loadFunctionsDir } from '../../functions/index.js';
import { command, parseArguments, portOption, stdio, untilStopped, type CliIO, type ServeCommandOptions } from '../io.js';
import { syncDefinitions } from '../../app/project.js';
import { startStepwrightServer, type StepwrightServer } from '../../app/server.js';
import { addEdgeOptions, edgeOptions, type EdgeFlags } from './server.js';

/** Changes that arrive together (an editor writes a file in several steps) reload once. */
const SETTLE_MS = 150;

/**
 * Watches a project's `functions/` and `state-machines/` and applies every change to a running
 * server: a function's new code or configuration gets new workers (warm ones finish first), a
 * changed definition updates its state machine. Returns a function that stops watching.
 */
export function watchProject(server: StepwrightServer, project: string, io: CliIO, options: { region: string; accountId: string; roleArn: string }): () => void {
  const functionsDir = path.resolve(project, 'functions');
  const definitionsDir = path.resolve(project, 'state-machines');
  const watchers: fs.FSWatcher[] = [];
  const timers = new Map<string, NodeJS.Timeout>();
  let chain = Promise.resolve();
  const later = (what: string, work: () => Promise<void>): void => {
    clearTimeout(timers.get(what));
    timers.set(
      what,
      setTimeout(() => {
        chain = chain.then(work).catch((e: unknown) => io.err(`reload of ${what} failed: ${e instanceof Error ? e.message : String(e)}\n`));
      }, SETTLE_MS),
    );
  };

  const reloadFunctions = async (): Promise<void> => {
    const configs = loadFunctionsDir(functionsDir);
    const names = new Set(configs.map((c) => c.name));
    for (const config of configs) server.runtime.register(config);
    for (const old of server.runtime.list()) {
      if (!names.has(old.name) && old.codeDir.startsWith(functionsDir)) await server.runtime.unregister(old.name);
    }
    io.out(`reloaded functions: ${[...names].join(', ') || '(none)'}\n`);
  };
  const reloadDefinitions = async (): Promise<void> => {
    const machines = await syncDefinitions(server.service, definitionsDir, {
      ...options,
      onError: (file, e) => io.err(`${path.relative(process.cwd(), file)}: ${e instanceof Error ? e.message : String(e)}\n`),
    });
    io.out(`reloaded state machines: ${[...machines.keys()].join(', ') || '(none)'}\n`);
  };

  for (const [dir, what, work] of [
    [functionsDir, 'functions', reloadFunctions],
    [definitionsDir, 'state machines', reloadDefinitions],
  ] as const) {
    if (!fs.existsSync(dir)) continue;
    watchers.push(fs.watch(dir, { recursive: true }, () => later(what, work)));
  }
  return () => {
    for (const w of watchers) w.close();
    for (const t of timers.values()) clearTimeout(t);
  };
}

/**
 * `stepwright dev [DIR] [--port 8083] [--data-dir DIR/.stepwright]`: the server for a project folder
 * (`functions/`, `state-machines/`) that reloads functions and definitions when their files change.
 */
export async function runDev(argv: readonly string[], options: ServeCommandOptions = {}): Promise<number> {
  const io = options.io ?? stdio;
  const program = command('stepwright dev', io)
    .argument('[dir]', 'project folder with functions/ and state-machines/', '.')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '8083')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data-dir <dir>', 'where the store lives (default: DIR/.stepwright)')
    .option('--region <region>', 'region of the ARNs', 'us-east-1')
    .option('--account-id <id>', 'account of the ARNs', '123456789012')
    .option('--function-user <user>', 'user (name, uid or uid:gid) function workers run as; default nobody when run as root')
    .option('--log-level <level>', 'pino log level', 'warn');
  addEdgeOptions(program);
  if (!parseArguments(program, argv)) return 2;
  const project = path.resolve(program.args[0] ?? '.');
  const opts = program.opts<{ port: string; host: string; dataDir?: string; region: string; accountId: string; functionUser?: string; logLevel: string } & EdgeFlags>();
  const port = portOption(opts.port, io);
  if (port === undefined) return 2;
  let server: StepwrightServer;
  try {
    server = await startStepwrightServer({
      project,
      port,
      host: opts.host,
      dataDir: opts.dataDir ?? path.join(project, '.stepwright'),
      region: opts.region,
      accountId: opts.accountId,
      functionUser: opts.functionUser,
      logLevel: opts.logLevel === 'silent' ? false : opts.logLevel,
      ...edgeOptions(opts),
    });
  } catch (e) {
    io.err(`stepwright dev: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const stop = watchProject(server, project, io, {
    region: opts.region,
    accountId: opts.accountId,
    roleArn: `arn:aws:iam::${opts.accountId}:role/StepwrightExecutionRole`,
  });
  io.out(`Stepwright dev on ${server.url}: watching ${project} (functions/, state-machines/)\n`);
  if (opts.auth === true) io.out(`With --auth: requests must be signed with a configured access key. Console: ${server.consoleUrl}\n`);
  await untilStopped(options.signal);
  stop();
  await server.close();
  io.out('Stepwright stopped\n');
  return 0;
}
