import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadAccessKeys } from '../../api/auth/index.js';
import { loadHttpConnections, type HttpConnections } from '../../integrations/http-connections.js';
import { addAwsEndpointOption, awsConfigOption } from '../aws-options.js';
import { startStepwrightServer, type StepwrightServer, type StepwrightServerOptions } from '../../app/server.js';
import { loadSamTemplate, parseParameterOverrides, SamTemplateError, type SamProject } from '../../app/sam/index.js';
import type { CliIO } from '../io.js';
import { addMockOptions, mockOptions, type MockFlags } from '../mock-options.js';
import { formatFunctionLogLines } from '../function-log-lines.js';
import { command, parseArguments, portOption, startFailure, stdio, untilStopped, type ServeCommandOptions } from '../io.js';
import { createServerLogger, parseLogFormat } from '../logging.js';

export type ServerCommandOptions = ServeCommandOptions;

/**
 * `stepwright server [--port 8083] [--host 127.0.0.1] [--data-dir ./.stepwright] [--database URL [--serve-only]] [--project DIR]
 * [--functions-dir DIR] [--definitions-dir DIR] [--http-connections FILE] [--aws-endpoint SERVICE=URL …]`: serves until SIGINT/SIGTERM. Exit code 0 after a
 * clean stop, 1 if it cannot start, 2 on bad usage.
 */
export async function runServer(argv: readonly string[], options: ServerCommandOptions = {}): Promise<number> {
  const io = options.io ?? stdio;
  const program = command('stepwright server', io)
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '8083')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data-dir <dir>', 'where the store and functions created through the API live', './.stepwright')
    .option('--database <url>', 'a postgres:// URL: keep executions in that shared database (several servers and workers may share it)')
    .option('--serve-only', 'with --database: serve the APIs and the console only; `stepwright worker` processes advance the executions and run their functions')
    .option('--project <dir>', 'a project folder with functions/ and state-machines/')
    .option('--functions-dir <dir>', 'functions to register (one folder per function)')
    .option('--definitions-dir <dir>', 'state machine definitions to create (NAME.asl.json, NAME.express.asl.json)')
    .option('--region <region>', 'region of the ARNs', 'us-east-1')
    .option('--account-id <id>', 'account of the ARNs', '123456789012')
    .option('--function-user <user>', 'user (name, uid or uid:gid) function workers run as; default nobody when the server runs as root')
    .option('--http-connections <file>', 'JSON file of the EventBridge connections HTTP Tasks use (or set STEPWRIGHT_HTTP_CONNECTIONS=FILE); see docs/integrations.md')
    .option('--log-level <level>', 'pino log level', 'info');
  addSamOptions(program);
  addLogFormatOption(program);
  addEdgeOptions(program);
  addMockOptions(program);
  addAwsEndpointOption(program);
  const usage = parseArguments(program, argv);
  if (usage !== undefined) return usage;
  const opts = program.opts<{ port: string; host: string; dataDir: string; database?: string; serveOnly?: boolean; project?: string; functionsDir?: string; definitionsDir?: string; region: string; accountId: string; functionUser?: string; httpConnections?: string; logLevel: string; logFormat?: string; awsEndpoint: string[] } & EdgeFlags & SamFlags & MockFlags>();
  const port = portOption(opts.port, io);
  if (port === undefined) return 2;
  if (opts.serveOnly === true && !/^postgres(ql)?:\/\//i.test(opts.database ?? '')) {
    io.err('stepwright server: --serve-only needs --database postgres://… (the workers advance the executions of a shared database; a data dir\'s SQLite file has room for one process)\n');
    return 2;
  }
  const logging = terminalLogging(opts, io);
  if (logging === undefined) return 2;
  const sam = samOption(opts, io, 'stepwright server');
  if (sam === false) return 1;
  let server: StepwrightServer;
  try {
    const { auth: _flag, authKeys: _file, allowedHost: _names, httpConnections: _connections, sam: _template, parameterOverrides: _overrides, mockConfig: _mocks, timeScale: _scale, awsEndpoint: _endpoints, logFormat: _format, ...rest } = opts;
    const aws = awsConfigOption(opts.awsEndpoint, opts.sam !== undefined ? path.dirname(path.resolve(opts.sam)) : opts.project);
    const httpConnections = httpConnectionsOption(opts.httpConnections);
    server = await startStepwrightServer({ ...rest, port, ...logging, ...edgeOptions(opts), ...mockOptions(opts), ...(httpConnections !== undefined ? { httpConnections } : {}), ...(sam !== undefined ? { sam } : {}), aws });
  } catch (e) {
    io.err(`stepwright server: ${startFailure(e, port)}\n`);
    return 1;
  }
  const [first] = server.machines.values();
  // One write, so a reader that sees the URL sees the whole banner.
  io.out(
    `\nStepwright is listening on ${server.url} (open it in a browser for the console; the Step Functions and Lambda APIs answer on the same port, GET /health)\n` +
      (opts.serveOnly === true ? 'Serving only (--serve-only): `stepwright worker --database …` processes advance the executions and run their functions\n' : '') +
      (opts.auth === true ? `With --auth: requests must be signed with a configured access key. Console: ${server.consoleUrl}\n` : '') +
      // The SDKs send these two to a `sync-` host name that no resolver here knows.
      `StartSyncExecution and TestState: the SDKs send them to sync-${server.url.replace(/^https?:\/\//, '')}; where that name does not resolve, set disableHostPrefix: true (SDK v3) or Config(inject_host_prefix=False) (boto3), or add the name to /etc/hosts (AWS CLI)\n` +
      (first === undefined
        ? '\n'
        : `Try it (paste into a shell; ${opts.auth === true ? 'use one of the configured access keys' : 'the server takes any credentials'}):\n` +
          (opts.auth === true ? `  export AWS_DEFAULT_REGION=${opts.region}\n` : `  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=${opts.region}\n`) +
          `  ARN=$(aws stepfunctions start-execution --endpoint-url ${server.url} --state-machine-arn ${first} --input '${sampleInput(opts.project)}' --query executionArn --output text)\n` +
          `  sleep 2; aws stepfunctions describe-execution --endpoint-url ${server.url} --execution-arn "$ARN" --query '{status: status, output: output}'\n\n`),
  );
  await untilStopped(options.signal);
  await server.close();
  io.out('Stepwright stopped\n');
  return 0;
}

/** `--sam template.yaml [--parameter-overrides K=V …]`, shared by `server`, `dev` and `run`. */
export interface SamFlags {
  readonly sam?: string;
  readonly parameterOverrides?: string[];
}

export function addSamOptions(program: Command): void {
  program
    .option('--sam <template>', 'an AWS SAM / CloudFormation template: its functions, state machines and activities')
    .option('--parameter-overrides <pairs...>', "values of the template's Parameters: Key=Value … (as sam deploy takes them)");
}

/**
 * The template of `--sam` loaded (undefined without it), its skipped resources and notes printed
 * one per line; false after printing why it does not load.
 */
export function samOption(flags: SamFlags & { readonly region: string; readonly accountId: string }, io: CliIO, who: string, print: (line: string) => void = io.out): SamProject | undefined | false {
  if (flags.sam === undefined) {
    if (flags.parameterOverrides !== undefined) {
      io.err(`${who}: --parameter-overrides is given without --sam\n`);
      return false;
    }
    return undefined;
  }
  try {
    const project = loadSamTemplate(flags.sam, { region: flags.region, accountId: flags.accountId, parameterOverrides: parseParameterOverrides(flags.parameterOverrides ?? []) });
    for (const line of [...project.skipped, ...project.notes]) print(`${line}\n`);
    return project;
  } catch (e) {
    // A SamTemplateError names the place; anything else (a folder that cannot be read) its cause.
    io.err(`${who}: ${e instanceof SamTemplateError ? e.message : `${flags.sam}: ${e instanceof Error ? e.message : String(e)}`}\n`);
    return false;
  }
}

export function addLogFormatOption(program: Command): void {
  program.option('--log-format <format>', 'server log lines: pretty (a terminal\'s default) or json (the default when piped)');
}

/**
 * The server's log (pretty on a terminal, JSON when piped) and the function logs, each line
 * prefixed with the function and request id, on stderr. Undefined after saying why a flag is wrong.
 */
export function terminalLogging(
  opts: { readonly logLevel: string; readonly logFormat?: string },
  io: CliIO,
): Pick<StepwrightServerOptions, 'logLevel' | 'logger' | 'onFunctionLog' | 'onFunctionNotice'> | undefined {
  const format = parseLogFormat(opts.logFormat, process.stdout.isTTY === true);
  if (format === undefined) {
    io.err(`invalid --log-format '${opts.logFormat ?? ''}': pretty or json\n`);
    return undefined;
  }
  let logger: ReturnType<typeof createServerLogger> | undefined;
  try {
    if (opts.logLevel !== 'silent') logger = createServerLogger(opts.logLevel, format);
  } catch (e) {
    io.err(`invalid --log-level '${opts.logLevel}': ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  }
  return {
    ...(logger === undefined ? { logLevel: false as const } : { logLevel: opts.logLevel, logger }),
    onFunctionLog: (log) => io.err(formatFunctionLogLines(log)),
    onFunctionNotice: (message) => io.err(`${message}\n`),
  };
}

/** The flags `server` and `dev` share for who may call them. */
export interface EdgeFlags {
  readonly allowedHost: string[];
  readonly auth?: boolean;
  readonly authKeys?: string;
}

export function addEdgeOptions(program: Command): void {
  program
    .option('--allowed-host <name>', 'a host name to answer for besides localhost and IP addresses (repeatable; refuses DNS rebinding)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--auth', 'require AWS SigV4 signatures of the configured access keys; the console gets a token')
    .option('--auth-keys <file>', 'JSON access keys for --auth: {"AKID": "SECRET"} (or set STEPWRIGHT_ACCESS_KEYS=AKID:SECRET,…)');
}

/** Throws when --auth has no keys to check against. */
export function edgeOptions(flags: EdgeFlags, env: NodeJS.ProcessEnv = process.env): Pick<StepwrightServerOptions, 'allowedHosts' | 'auth'> {
  if (flags.auth !== true) {
    if (flags.authKeys !== undefined) throw new Error('--auth-keys is given without --auth');
    return { allowedHosts: flags.allowedHost };
  }
  const keys = loadAccessKeys({ file: flags.authKeys, env: env.STEPWRIGHT_ACCESS_KEYS });
  if (keys.size === 0) throw new Error('--auth needs access keys: --auth-keys FILE ({"AKID": "SECRET"}) or STEPWRIGHT_ACCESS_KEYS=AKID:SECRET');
  const token = env.STEPWRIGHT_CONSOLE_TOKEN;
  return { allowedHosts: flags.allowedHost, auth: { keys, ...(token !== undefined && token !== '' ? { consoleToken: token } : {}) } };
}

/** `--http-connections FILE`, else `STEPWRIGHT_HTTP_CONNECTIONS=FILE`; throws naming the file and key path of a mistake. */
export function httpConnectionsOption(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): HttpConnections | undefined {
  const file = flag ?? (env.STEPWRIGHT_HTTP_CONNECTIONS !== '' ? env.STEPWRIGHT_HTTP_CONNECTIONS : undefined);
  return file === undefined ? undefined : loadHttpConnections(file);
}

/** The project's `sample-input.json`, on one line, for the printed command. */
function sampleInput(project: string | undefined): string {
  const file = project === undefined ? undefined : path.join(project, 'sample-input.json');
  if (file === undefined || !fs.existsSync(file)) return '{}';
  return JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown);
}
