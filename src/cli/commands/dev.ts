import path from 'node:path';
import { command, parseArguments, portOption, startFailure, stdio, untilStopped, type ServeCommandOptions } from '../io.js';
import { startStepwrightServer, type StepwrightServer } from '../../app/server.js';
import { parseParameterOverrides, SamTemplateError, watchSamTemplate, type SamAppliedChange } from '../../app/sam/index.js';
import { watchProject, type AppliedChange } from '../watch-project.js';
import { addEdgeOptions, addLogFormatOption, addSamOptions, edgeOptions, httpConnectionsOption, terminalLogging, type EdgeFlags, type SamFlags } from './server.js';
import { addMockOptions, mockOptions, type MockFlags } from '../mock-options.js';
import { addAwsEndpointOption, awsConfigOption } from '../aws-options.js';

export interface DevCommandOptions extends ServeCommandOptions {
  /** Called after each reload that changed what is live (tests). */
  readonly onApplied?: (change: AppliedChange) => void;
  /** Called after each reload of a `--sam` template that changed what is live (tests). */
  readonly onSamApplied?: (change: SamAppliedChange) => void;
}

/**
 * `stepwright dev [DIR] [--port 8083] [--data-dir DIR/.stepwright]`: the server for a project folder
 * (`functions/`, `state-machines/`) that reloads functions and definitions when their files change.
 * `stepwright dev --sam template.yaml` does the same for a SAM template, its code and definition files.
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
    .option('--http-connections <file>', 'JSON file of the EventBridge connections HTTP Tasks use (or set STEPWRIGHT_HTTP_CONNECTIONS=FILE); see docs/integrations.md')
    .option('--log-level <level>', 'pino log level', 'warn');
  addSamOptions(program);
  addLogFormatOption(program);
  addEdgeOptions(program);
  addMockOptions(program);
  addAwsEndpointOption(program);
  const usage = parseArguments(program, argv);
  if (usage !== undefined) return usage;
  const opts = program.opts<{ port: string; host: string; dataDir?: string; region: string; accountId: string; functionUser?: string; httpConnections?: string; logLevel: string; logFormat?: string; awsEndpoint: string[] } & EdgeFlags & SamFlags & MockFlags>();
  const template = opts.sam === undefined ? undefined : path.resolve(opts.sam);
  const project = template === undefined ? path.resolve(program.args[0] ?? '.') : path.dirname(template);
  const port = portOption(opts.port, io);
  if (port === undefined) return 2;
  const logging = terminalLogging(opts, io);
  if (logging === undefined) return 2;
  let parameterOverrides: Record<string, string>;
  try {
    if (opts.parameterOverrides !== undefined && template === undefined) throw new SamTemplateError('--parameter-overrides is given without --sam');
    parameterOverrides = parseParameterOverrides(opts.parameterOverrides ?? []);
  } catch (e) {
    io.err(`stepwright dev: ${(e as Error).message}\n`);
    return 2;
  }
  const dataDir = opts.dataDir ?? path.join(project, '.stepwright');
  let server: StepwrightServer;
  try {
    const httpConnections = httpConnectionsOption(opts.httpConnections);
    // The watcher loads the project: a broken file is reported, not a reason not to start.
    server = await startStepwrightServer({
      port,
      host: opts.host,
      dataDir,
      region: opts.region,
      accountId: opts.accountId,
      functionUser: opts.functionUser,
      ...logging,
      ...edgeOptions(opts),
      ...(httpConnections !== undefined ? { httpConnections } : {}),
      ...mockOptions(opts),
      aws: awsConfigOption(opts.awsEndpoint, project),
    });
  } catch (e) {
    io.err(`stepwright dev: ${startFailure(e, port)}\n`);
    return 1;
  }
  const roleArn = `arn:aws:iam::${opts.accountId}:role/StepwrightExecutionRole`;
  const watch =
    template === undefined
      ? watchProject(server, project, io, { region: opts.region, accountId: opts.accountId, roleArn, onApplied: options.onApplied })
      : watchSamTemplate(server, template, {
          region: opts.region,
          accountId: opts.accountId,
          roleArn,
          parameterOverrides,
          out: io.out,
          err: io.err,
          ignoredDirs: [dataDir],
          onApplied: options.onSamApplied,
        });
  await watch.ready;
  io.out(`Stepwright dev on ${server.url}: watching ${template === undefined ? `${project} (functions/, state-machines/)` : `${path.relative(process.cwd(), template) || template} and the code it names`}\n`);
  if (opts.auth === true) io.out(`With --auth: requests must be signed with a configured access key. Console: ${server.consoleUrl}\n`);
  await untilStopped(options.signal);
  await watch.close();
  await server.close();
  io.out('Stepwright stopped\n');
  return 0;
}
