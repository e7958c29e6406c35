import path from 'node:path';
import { command, parseArguments, portOption, startFailure, stdio, untilStopped, type ServeCommandOptions } from '../io.js';
import { startStepwrightServer, type StepwrightServer } from '../../app/server.js';
import { watchProject, type AppliedChange } from '../watch-project.js';
import { addEdgeOptions, addLogFormatOption, edgeOptions, terminalLogging, type EdgeFlags } from './server.js';

export interface DevCommandOptions extends ServeCommandOptions {
  /** Called after each reload that changed what is live (tests). */
  readonly onApplied?: (change: AppliedChange) => void;
}

/**
 * `stepwright dev [DIR] [--port 8083] [--data-dir DIR/.stepwright]`: the server for a project folder
 * (`functions/`, `state-machines/`) that reloads functions and definitions when their files change.
 */
export async function runDev(argv: readonly string[], options: DevCommandOptions = {}): Promise<number> {
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
  addLogFormatOption(program);
  addEdgeOptions(program);
  const usage = parseArguments(program, argv);
  if (usage !== undefined) return usage;
  const project = path.resolve(program.args[0] ?? '.');
  const opts = program.opts<{ port: string; host: string; dataDir?: string; region: string; accountId: string; functionUser?: string; logLevel: string; logFormat?: string } & EdgeFlags>();
  const port = portOption(opts.port, io);
  if (port === undefined) return 2;
  const logging = terminalLogging(opts, io);
  if (logging === undefined) return 2;
  let server: StepwrightServer;
  try {
    // The watcher loads the project: a broken file is reported, not a reason not to start.
    server = await startStepwrightServer({
      port,
      host: opts.host,
      dataDir: opts.dataDir ?? path.join(project, '.stepwright'),
      region: opts.region,
      accountId: opts.accountId,
      functionUser: opts.functionUser,
      ...logging,
      ...edgeOptions(opts),
    });
  } catch (e) {
    io.err(`stepwright dev: ${startFailure(e, port)}\n`);
    return 1;
  }
  const watch = watchProject(server, project, io, {
    region: opts.region,
    accountId: opts.accountId,
    roleArn: `arn:aws:iam::${opts.accountId}:role/StepwrightExecutionRole`,
    onApplied: options.onApplied,
  });
  await watch.ready;
  io.out(`Stepwright dev on ${server.url}: watching ${project} (functions/, state-machines/)\n`);
  if (opts.auth === true) io.out(`With --auth: requests must be signed with a configured access key. Console: ${server.consoleUrl}\n`);
  await untilStopped(options.signal);
  await watch.close();
  await server.close();
  io.out('Stepwright stopped\n');
  return 0;
}
