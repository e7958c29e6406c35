import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { createConsoleToken, loadAccessKeys, RequestAuthenticator, type AccessKeys } from '../../api/auth/index.js';
import { consoleRoutes } from '../../api/console/index.js';
import { createLambdaHandler } from '../../api/lambda/index.js';
import { RequestBudget } from '../../api/request-budget.js';
import { createServer } from '../../api/server.js';
import { createSfnOperations } from '../../api/sfn/index.js';
import { FunctionRuntime, loadFunctionsDir } from '../../functions/index.js';
import { createActivityIntegration } from '../../integrations/activity.js';
import { WatchedActivityQueue } from '../../integrations/activity-watch.js';
import { createCallbackIntegration } from '../../integrations/callback.js';
import { ExecutionRefusedError, lateExecutionsPort, type ExecutionsPort } from '../../integrations/contract.js';
import { linkFunctionLogs } from '../../integrations/function-logs.js';
import { createLambdaIntegration } from '../../integrations/lambda.js';
import { createTaskRouter } from '../../integrations/router.js';
import { createStartExecutionIntegration } from '../../integrations/start-execution.js';
import { createStepwright, StepwrightApiError, type Stepwright } from '../../stepwright.js';
import { openStore } from '../../store/index.js';
import { command, parseArguments, portOption, stdio, untilStopped, type ServeCommandOptions } from '../io.js';
import { syncDefinitions } from '../project.js';

export interface StepwrightServerOptions {
  readonly port?: number;
  readonly host?: string;
  readonly dataDir?: string;
  /** A postgres:// URL: the executions live in that shared database instead of the data dir's SQLite file. */
  readonly database?: string;
  /** A project folder: its `functions/` and `state-machines/` folders are loaded at start. */
  readonly project?: string;
  readonly functionsDir?: string;
  readonly definitionsDir?: string;
  readonly region?: string;
  readonly accountId?: string;
  /** IAM role the project's machines are created with (AWS requires one; we only record it). */
  readonly roleArn?: string;
  /** pino level, or false for no logs (tests). */
  readonly logLevel?: string | false;
  /** GetActivityTask's long poll (AWS: 60 s). */
  readonly activityPollMs?: number;
  /** Host names to answer for besides localhost and IP addresses (DNS rebinding protection). */
  readonly allowedHosts?: readonly string[];
  /** `--auth`: the access keys whose SigV4 signatures are accepted; the console gets a token. */
  readonly auth?: { readonly keys: AccessKeys; readonly consoleToken?: string };
  /** Bytes of request bodies held in memory at once (default 96 MB). */
  readonly bodyBudgetBytes?: number;
  /** The user function workers run as (FunctionRuntimeOptions.workerUser; default nobody when root). */
  readonly functionUser?: string | false;
}

export interface StepwrightServer {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly stepwright: Stepwright;
  readonly runtime: FunctionRuntime;
  /** The machines loaded from the project, by name → ARN. */
  readonly machines: ReadonlyMap<string, string>;
  /** The console's address; with `--auth` it carries the token in its fragment (never sent over the wire). */
  readonly consoleUrl: string;
  readonly budget: RequestBudget;
  /** Stops taking requests, lets in-flight commits finish, closes the store and the function workers. */
  readonly close: () => Promise<void>;
}

/** The whole server on one port: Step Functions API, Lambda API, health; the project loaded. */
export async function startStepwrightServer(options: StepwrightServerOptions = {}): Promise<StepwrightServer> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const dataDir = path.resolve(options.dataDir ?? './.stepwright');
  const functionsDir = options.functionsDir ?? (options.project === undefined ? undefined : path.join(options.project, 'functions'));
  const definitionsDir = options.definitionsDir ?? (options.project === undefined ? undefined : path.join(options.project, 'state-machines'));
  const roleArn = options.roleArn ?? `arn:aws:iam::${accountId}:role/StepwrightExecutionRole`;

  const app0Logger = options.logLevel === false ? false : { level: options.logLevel ?? 'info' };
  const runtime = new FunctionRuntime({ region, accountId, workerUser: options.functionUser });
  if (runtime.workerUser !== undefined) {
    // Function code runs as another user: the store and the API's function code stay the server's.
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dataDir, 0o700);
  }
  const stopping = new AbortController();
  const authenticator = options.auth === undefined ? undefined : new RequestAuthenticator(options.auth.keys, options.auth.consoleToken ?? createConsoleToken(), region);
  const budget = new RequestBudget(options.bodyBudgetBytes);
  // Watched so the console can list an execution's activity tasks.
  const activities = new WatchedActivityQueue();
  let stepwright: Stepwright | undefined;
  let app: FastifyInstance | undefined;
  let lambda: ReturnType<typeof createLambdaHandler> | undefined;
  try {
    if (functionsDir !== undefined) for (const config of loadFunctionsDir(path.resolve(functionsDir))) runtime.register(config);
    lambda = createLambdaHandler({ runtime, dataDir, region, accountId, authenticator, budget });
    await lambda.ready;
    const lambdaHandler = lambda;
    // Nested executions run on the Stepwright made with these resources: connected once it exists.
    const executions = lateExecutionsPort();
    const nested = createStartExecutionIntegration(executions);
    const lambdaFunctions = linkFunctionLogs(createLambdaIntegration(runtime, { region, accountId }), runtime);
    const resources = createTaskRouter([createActivityIntegration(activities), nested, createCallbackIntegration([nested, lambdaFunctions]), lambdaFunctions]);
    let log: (e: unknown, where: string) => void = () => undefined;
    stepwright = await createStepwright({ store: await openStore({ database: options.database, dataDir }), dataDir, resources, region, accountId, onError: (e, where) => log(e, where) });
    executions.connect(executionsOf(stepwright));
    const operations = createSfnOperations({ stepwright, activities, region, accountId, now: Date.now, resources }, { activityPollMs: options.activityPollMs, signal: stopping.signal });
    app = createServer({
      operations,
      rawHandlers: [(req, res) => lambdaHandler(req, res)],
      routes: [consoleRoutes({ store: stepwright.store, runtime, activities })],
      region,
      accountId,
      logger: app0Logger,
      allowedHosts: options.allowedHosts,
      authenticator,
      budget,
    });
    const appLog = app.log;
    log = (e, where) => appLog.error({ err: e }, where);

    const machines = await syncDefinitions(stepwright, definitionsDir === undefined ? '' : path.resolve(definitionsDir), { region, accountId, roleArn });
    for (const [name, arn] of machines) app.log.info({ stateMachineArn: arn, name }, 'state machine loaded');

    await app.listen({ port: options.port ?? 8083, host: options.host ?? '127.0.0.1' });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    app.log.info({ url, functions: runtime.list().map((f) => f.name), stateMachines: [...machines.keys()] }, 'stepwright server ready');

    const sw = stepwright;
    const server = app;
    const lh = lambdaHandler;
    let closing: Promise<void> | undefined;
    return {
      url,
      port: address.port,
      app: server,
      stepwright: sw,
      runtime,
      machines,
      consoleUrl: authenticator === undefined ? `${url}/` : `${url}/#token=${authenticator.consoleToken}`,
      budget,
      close: () =>
        (closing ??= (async () => {
          stopping.abort(); // long polls answer now instead of holding the shutdown
          await server.close();
          await lh.close();
          await sw.close(); // the scheduler drains its group commit, then the store closes
          await runtime.close();
        })()),
    };
  } catch (e) {
    stopping.abort();
    await app?.close().catch(() => undefined);
    await lambda?.close().catch(() => undefined);
    await stepwright?.close().catch(() => undefined);
    await runtime.close().catch(() => undefined);
    throw e;
  }
}

/** Stepwright's executions as the integrations see them: its API errors are StartExecution's refusals. */
export function executionsOf(stepwright: Stepwright): ExecutionsPort {
  return {
    startExecution: (input) =>
      stepwright.startExecution(input).catch((e: unknown) => {
        throw e instanceof StepwrightApiError ? new ExecutionRefusedError(e.code, e.message, e.resourceArn) : e;
      }),
    describeExecution: (arn) => stepwright.describeExecution(arn),
    awaitExecution: (arn) => stepwright.awaitExecution(arn),
  };
}

export type ServerCommandOptions = ServeCommandOptions;

/**
 * `stepwright server [--port 8083] [--host 127.0.0.1] [--data-dir ./.stepwright] [--project DIR]
 * [--functions-dir DIR] [--definitions-dir DIR]`: serves until SIGINT/SIGTERM. Exit code 0 after a
 * clean stop, 1 if it cannot start, 2 on bad usage.
 */
export async function runServer(argv: readonly string[], options: ServerCommandOptions = {}): Promise<number> {
  const io = options.io ?? stdio;
  const program = command('stepwright server', io)
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '8083')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data-dir <dir>', 'where the store and functions created through the API live', './.stepwright')
    .option('--database <url>', 'a postgres:// URL: keep executions in that shared database (several servers and workers may share it)')
    .option('--project <dir>', 'a project folder with functions/ and state-machines/')
    .option('--functions-dir <dir>', 'functions to register (one folder per function)')
    .option('--definitions-dir <dir>', 'state machine definitions to create (NAME.asl.json, NAME.express.asl.json)')
    .option('--region <region>', 'region of the ARNs', 'us-east-1')
    .option('--account-id <id>', 'account of the ARNs', '123456789012')
    .option('--function-user <user>', 'user (name, uid or uid:gid) function workers run as; default nobody when the server runs as root')
    .option('--log-level <level>', 'pino log level', 'info');
  addEdgeOptions(program);
  if (!parseArguments(program, argv)) return 2;
  const opts = program.opts<{ port: string; host: string; dataDir: string; database?: string; project?: string; functionsDir?: string; definitionsDir?: string; region: string; accountId: string; functionUser?: string; logLevel: string } & EdgeFlags>();
  const port = portOption(opts.port, io);
  if (port === undefined) return 2;
  let server: StepwrightServer;
  try {
    const { auth: _flag, authKeys: _file, allowedHost: _names, ...rest } = opts;
    server = await startStepwrightServer({ ...rest, port, logLevel: opts.logLevel === 'silent' ? false : opts.logLevel, ...edgeOptions(opts) });
  } catch (e) {
    io.err(`stepwright server: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const [first] = server.machines.values();
  // One write, so a reader that sees the URL sees the whole banner.
  io.out(
    `\nStepwright is listening on ${server.url} (open it in a browser for the console; the Step Functions and Lambda APIs answer on the same port, GET /health)\n` +
      (opts.auth === true ? `With --auth: requests must be signed with a configured access key. Console: ${server.consoleUrl}\n` : '') +
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

/** The project's `sample-input.json`, on one line, for the printed command. */
function sampleInput(project: string | undefined): string {
  const file = project === undefined ? undefined : path.join(project, 'sample-input.json');
  if (file === undefined || !fs.existsSync(file)) return '{}';
  return JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')) as unknown);
}
