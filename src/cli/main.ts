import fs from 'node:fs';
import { runDev } from './commands/dev.js';
import { runFunctions } from './commands/functions.js';
import { runRun } from './commands/run.js';
import { runServer } from './commands/server.js';
import { runTest } from './commands/test.js';
import { runValidate } from './commands/validate.js';
import { runWorker } from './commands/worker.js';
import { stdio, type CliIO } from './io.js';

const COMMANDS: Record<string, (argv: readonly string[], io: CliIO) => Promise<number>> = {
  run: (argv, io) => runRun(argv, { io }),
  validate: (argv, io) => runValidate(argv, io),
  server: (argv, io) => runServer(argv, { io }),
  dev: (argv, io) => runDev(argv, { io }),
  functions: (argv, io) => runFunctions(argv, { io }),
  worker: (argv, io) => runWorker(argv, { io }),
  test: (argv, io) => runTest(argv, { io }),
};

const USAGE = [
  'usage: stepwright <command> [options]     (stepwright <command> --help for its options)',
  '',
  '  run DEFINITION [--input JSON|@file] [--history] [--answer JSON] [--data-dir DIR]',
  '                                     run one execution; Lambda, callback, activity and nested tasks',
  '  run --sam template.yaml [--state-machine NAME] [--parameter-overrides K=V …]',
  '                                     run a state machine of a SAM / CloudFormation template',
  '  validate FILE… [--format json]     validate definitions as AWS does',
  '  server [--port 8083] [--project DIR] [--data-dir DIR]',
  '                                     Step Functions + Lambda APIs and the console on one port',
  '  dev [DIR] [--port 8083]            server for a project folder, reloading on every save',
  '  dev --sam template.yaml            the same for a SAM template (server --sam too)',
  '  worker --database postgres://… [--project DIR]',
  '                                     advance the executions of a shared PostgreSQL database',
  '  test --mock-config FILE [--expect FILE]',
  '                                     run every test case of a Step Functions Local mock file, with coverage',
  '  functions serve [--port 9001] [--functions-dir DIR]',
  '                                     the Lambda API alone',
  '',
  '  --help, -h                         this text',
  '  --version, -V                      the version',
  '',
].join('\n');

/** The package's version: package.json is two folders up from src/cli and from dist/cli alike. */
export function stepwrightVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** Entry point of the `stepwright` command. Returns the process exit code. */
export async function main(argv: readonly string[], io: CliIO = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.out(`${stepwrightVersion()}\n`);
    return 0;
  }
  const run = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (run !== undefined) return run(rest, io);
  const [nearest] = Object.keys(COMMANDS)
    .map((c) => ({ c, d: distance(name.toLowerCase(), c) }))
    .sort((a, b) => a.d - b.d);
  const hint = nearest !== undefined && nearest.d <= Math.max(1, Math.floor(nearest.c.length / 3)) ? ` Did you mean '${nearest.c}'?` : '';
  io.err(`stepwright: unknown command '${name}'.${hint} Run 'stepwright --help' for the commands.\n`);
  return 2;
}
