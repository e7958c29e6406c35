import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { createConsoleToken, RequestAuthenticator, type AccessKeys } from '../api/auth/index.js';
import { consoleRoutes } from '../api/console/index.js';
import { createLambdaHandler } from '../api/lambda/index.js';
import { RequestBudget } from '../api/request-budget.js';
import { createServer } from '../api/server.js';
import { createSfnOperations } from '../api/sfn/index.js';
import { FunctionRuntime, loadFunctionsDir, type InvocationLog } from '../functions/index.js';
import type { AwsConfig } from '../integrations/aws/config.js';
import type { HttpConnections } from '../integrations/http-connections.js';
import type { MockConfig } from '../integrations/mock-config.js';
import type { Service } from '../service/index.js';
import { openStore, type Store } from '../store/index.js';
import { createApp, type App } from './create-app.js';
import { syncDefinitions } from './project.js';
import { registerSamFunctions, registerSamStateMachines, type SamProject } from './sam/index.js';

export interface StepwrightServerOptions {
  readonly port?: number;
  readonly host?: string;
  readonly dataDir?: string;
  /** A project folder: its `functions/` and `state-machines/` folders are loaded at start. */
  readonly project?: string;
  readonly functionsDir?: string;
  readonly definitionsDir?: string;
  /** A loaded SAM / CloudFormation template (`--sam`): its functions, activities and state machines. */
  readonly sam?: SamProject;
  readonly region?: string;
  readonly accountId?: string;
  /** IAM role the project's machines are created with (AWS requires one; we only record it). */
  readonly roleArn?: string;
  /** pino level, or false for no logs (tests). */
  readonly logLevel?: string | false;
  /** A pino logger to log with instead of one of `logLevel` (the CLI's: pretty on a terminal, JSON when piped). */
  readonly logger?: FastifyBaseLogger;
  /** Each function invocation's log as it ends (the CLI prints them). */
  readonly onFunctionLog?: (log: InvocationLog) => void;
  /** What the function runtime wants said (a function that runs on another interpreter than it asked for). */
  readonly onFunctionNotice?: (message: string) => void;
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
  /** A postgres:// URL: the executions live in that shared database instead of the data dir's SQLite file. */
  readonly database?: string;
  /**
   * `--serve-only`: the APIs and the console over the shared database, nothing advanced here; the
   * `stepwright worker` processes sharing it advance the executions and run their functions.
   */
  readonly serveOnly?: boolean;
  /** The connections HTTP Tasks authenticate with (`--http-connections FILE`). */
  readonly httpConnections?: HttpConnections;
  /** Step Functions Local's mock configuration (`--mock-config`) and the time scale (`--time-scale`): AppOptions. */
  readonly mockConfig?: MockConfig;
  readonly timeScale?: number;
  /** Endpoints and credentials of AWS service calls (`--aws-endpoint`, aws.json); Step Functions and Lambda calls come here unless configured. */
  readonly aws?: AwsConfig;
  /**
   * Serve this composition instead of making one (`stepwright run` serves its app once a task
   * waits for a token): its caller owns it, and `close` leaves it open.
   */
  readonly composed?: { readonly app: App; readonly runtime: FunctionRuntime };
}

export interface StepwrightServer {
  readonly url: string;
  readonly port: number;
  readonly http: FastifyInstance;
  /** Store, scheduler and service underneath the API. */
  readonly app: App;
  readonly service: Service;
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
  const composed = options.composed;
  const runtime = composed?.runtime ?? new FunctionRuntime({ region, accountId, workerUser: options.functionUser, onNotice: options.onFunctionNotice });
  const stopPrinting = composed === undefined && options.onFunctionLog !== undefined ? runtime.onInvocation(options.onFunctionLog) : undefined;
  if (composed === undefined && runtime.workerUser !== undefined) {
    // Function code runs as another user: the store and the API's function code stay the server's.
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dataDir, 0o700);
  }
  const stopping = new AbortController();
  const authenticator = options.auth === undefined ? undefined : new RequestAuthenticator(options.auth.keys, options.auth.consoleToken ?? createConsoleToken(), region);
  const budget = new RequestBudget(options.bodyBudgetBytes);
  let core: App | undefined;
  let app: FastifyInstance | undefined;
  let lambda: ReturnType<typeof createLambdaHandler> | undefined;
  let store: Store | undefined;
  try {
    // One broken function folder does not keep the others from serving: it is logged once the logger exists.
    const broken: { folder: string; message: string }[] = [];
    if (functionsDir !== undefined) for (const config of loadFunctionsDir(path.resolve(functionsDir), (folder, e) => broken.push({ folder, message: e.message }))) runtime.register(config);
    // Opened first: the Lambda API keeps versions and aliases in it, and registers them with the
    // runtime before the scheduler (started by createApp) may run a Task that calls one.
    store = composed?.app.store ?? (await openStore({ database: options.database, dataDir }));
    if (options.sam !== undefined) registerSamFunctions(runtime, options.sam);
    lambda = createLambdaHandler({ runtime, dataDir, catalog: store, region, accountId, authenticator, budget });
    await lambda.ready;
    const lambdaHandler = lambda;
    let log: (e: unknown, where: string) => void = () => undefined;
    let notice: (message: string) => void = () => undefined;
    // Step Functions and Lambda SDK calls of Task states come to this server once it listens.
    const self: { url?: string } = {};
    core =
      composed?.app ??
      (await createApp({
        store,
        serveOnly: options.serveOnly,
        functions: runtime,
        httpConnections: options.httpConnections,
        mockConfig: options.mockConfig,
        timeScale: options.timeScale,
        aws: options.aws,
        selfEndpoint: () => self.url,
        region,
        accountId,
        onError: (e, where) => log(e, where),
        onNotice: (m) => notice(m),
      }));
    const operations = createSfnOperations({ service: core.service, region, accountId }, { activityPollMs: options.activityPollMs, signal: stopping.signal });
    app = createServer({
      operations,
      rawHandlers: [(req, res) => lambdaHandler(req, res)],
      routes: [consoleRoutes({ store: core.store, runtime, ...(core.functionLogs !== undefined ? { functionLogs: core.functionLogs } : {}) })],
      region,
      accountId,
      logger: app0Logger,
      ...(options.logger !== undefined ? { loggerInstance: options.logger } : {}),
      allowedHosts: options.allowedHosts,
      authenticator,
      budget,
    });
    const appLog = app.log;
    for (const b of broken) appLog.error({ function: b.folder }, `function ${b.folder} is not registered: ${b.message}`);
    log = (e, where) => appLog.error({ err: e }, where);
    // The end of a condition the log reported (the store writes again after a full disk).
    notice = (m) => appLog.warn(m);

    const machines = await syncDefinitions(core.service, definitionsDir === undefined ? '' : path.resolve(definitionsDir), { region, accountId, roleArn });
    if (options.sam !== undefined) for (const [name, arn] of await registerSamStateMachines(core.service, options.sam, { region, accountId, roleArn })) machines.set(name, arn);
    for (const [name, arn] of machines) app.log.info({ stateMachineArn: arn, name }, 'state machine loaded');

    await app.listen({ port: options.port ?? 8083, host: options.host ?? '127.0.0.1' });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    self.url = url;
    // Handlers calling Step Functions or Lambda with an AWS SDK reach this server, signed with a key it takes.
    if (composed === undefined) {
      const [key] = options.auth?.keys ?? [];
      runtime.setAwsEndpoint(url, key === undefined ? undefined : { accessKeyId: key[0], secretAccessKey: key[1] });
    }
    app.log.info({ url, functions: runtime.list().map((f) => f.name), stateMachines: [...machines.keys()] }, 'stepwright server ready');

    const owned = composed === undefined ? core : undefined;
    const server = app;
    const served = core;
    const lh = lambdaHandler;
    let closing: Promise<void> | undefined;
    return {
      url,
      port: address.port,
      http: server,
      app: served,
      service: served.service,
      runtime,
      machines,
      consoleUrl: authenticator === undefined ? `${url}/` : `${url}/#token=${authenticator.consoleToken}`,
      budget,
      close: () =>
        (closing ??= (async () => {
          stopping.abort(); // long polls answer now instead of holding the shutdown
          await server.close();
          await lh.close();
          await owned?.close(); // the scheduler drains its group commit, then the store closes
          if (owned !== undefined) await runtime.close();
          stopPrinting?.();
        })()),
    };
  } catch (e) {
    stopping.abort();
    await app?.close().catch(() => undefined);
    await lambda?.close().catch(() => undefined);
    stopPrinting?.();
    if (composed === undefined) {
      if (core === undefined) await store?.close().catch(() => undefined);
      await core?.close().catch(() => undefined);
      await runtime.close().catch(() => undefined);
    }
    throw e;
  }
}
