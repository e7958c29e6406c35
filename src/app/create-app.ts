import { randomUUID } from 'node:crypto';
import { systemClock, type Clock, type Ids, type TaskResources } from '../engine/index.js';
import type { FunctionRuntime } from '../functions/index.js';
import { ActivityQueue } from '../integrations/activity-queue.js';
import { createActivityIntegration } from '../integrations/activity.js';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { EMULATOR_CREDENTIALS, endpointOf, type AwsConfig } from '../integrations/aws/config.js';
import { createAwsSdkIntegration } from '../integrations/aws-sdk.js';
import { createCallbackIntegration } from '../integrations/callback.js';
import { ExecutionRefusedError, lateExecutionsPort, type ExecutionsPort } from '../integrations/contract.js';
import { FunctionLogRecorder, linkFunctionLogs } from '../integrations/function-logs.js';
import type { HttpConnections } from '../integrations/http-connections.js';
import { createHttpIntegration } from '../integrations/http.js';
import { createItemReaderIntegration, type ObjectStore } from '../integrations/item-reader.js';
import { localObjectStore, routedObjectStore, s3ObjectStore } from '../integrations/object-stores.js';
import { createResultWriterIntegration } from '../integrations/result-writer.js';
import { createLambdaIntegration } from '../integrations/lambda.js';
import { MockedExecutions, type MockConfig } from '../integrations/mock-config.js';
import { createTaskRouter } from '../integrations/router.js';
import { createStartExecutionIntegration } from '../integrations/start-execution.js';
import { NO_GROUP_COMMIT, Scheduler, type GroupCommitOptions } from '../scheduler/index.js';
import { createService, ServiceError, type Service } from '../service/index.js';
import { openStore, type Store, type Synchronous } from '../store/index.js';

export interface AppOptions {
  /** Where the embedded store lives (default `./.stepwright`). */
  readonly dataDir?: string;
  /** Use this store instead of opening `dataDir` or `database`. */
  readonly store?: Store;
  /** A postgres:// URL: the executions live in that shared database instead of the data dir's SQLite file. */
  readonly database?: string;
  /**
   * The Task resources executions call. Without them, and with `functions`, the app builds the
   * standard router: activities, nested executions, callbacks, HTTP Tasks and Lambda functions.
   */
  readonly resources?: TaskResources;
  /** Wraps the standard router (`stepwright run` watches the tasks that wait for a token). */
  readonly wrapResources?: (router: TaskResources) => TaskResources;
  /** The function runtime Lambda tasks run on (the caller owns and closes it). */
  readonly functions?: FunctionRuntime;
  /** The connections HTTP Tasks authenticate with (`--http-connections`); without them every HTTP Task fails naming its connection. */
  readonly httpConnections?: HttpConnections;
  /** Endpoints and credentials of AWS service calls (`--aws-endpoint`, aws.json); default: the standard AWS environment. */
  readonly aws?: AwsConfig;
  /** Stepwright's own URL once it listens: where Step Functions and Lambda SDK calls go unless configured. */
  readonly selfEndpoint?: () => string | undefined;
  /**
   * Where distributed Maps read items (ItemReader) and write results (ResultWriter). Default: folders
   * under the working directory for `file://` buckets, S3 through the SDK (AWS_ENDPOINT_URL_S3 …) for the rest.
   */
  readonly objects?: ObjectStore;
  readonly clock?: Clock;
  readonly ids?: Ids;
  /** SQLite durability (default FULL: an acknowledged write survives a power cut). */
  readonly synchronous?: Synchronous;
  /** Group commit bounds; `false` commits every write on its own (for comparison only). */
  readonly groupCommit?: GroupCommitOptions | false;
  readonly region?: string;
  readonly accountId?: string;
  readonly onError?: (error: unknown, context: string) => void;
  /** A condition `onError` reported is over (the store writes again after a full disk). */
  readonly onNotice?: (message: string) => void;
  /** State entries per advance before the scheduler commits and checks for a stop (default 10,000). */
  readonly transitionsPerSlice?: number;
  /** How long an Express execution may run before it ends TIMED_OUT (default 5 minutes, as AWS). */
  readonly expressMaxDurationMs?: number;
  /** The scheduler's claims: their owner (default host:pid) and lease (SchedulerOptions). */
  readonly workerId?: string;
  readonly leaseMs?: number;
  /** Step Functions Local's MockConfigFile: starts that name `MACHINE_ARN#TEST_CASE` run with its mocked responses. */
  readonly mockConfig?: MockConfig;
  /** Wait states and Retry back-off take this times their time (0: none; `--time-scale`). */
  readonly timeScale?: number;
  /** The scheduler only writes (SchedulerOptions.serveOnly): workers sharing the store advance. */
  readonly serveOnly?: boolean;
}

/** Durable Stepwright in one process: the store, the scheduler, the integrations and the service over them. */
export interface App {
  readonly service: Service;
  readonly store: Store;
  readonly scheduler: Scheduler;
  readonly activities: ActivityQueue;
  readonly resources?: TaskResources;
  /** The function runtime's invocation logs, kept in the store (with `functions`). */
  readonly functionLogs?: FunctionLogRecorder;
  /** Ends Express executions, drains the scheduler's group commit, then closes the store (once). */
  close(): Promise<void>;
}

/** The service's executions as the integrations see them: its refusals are StartExecution's. */
function executionsOf(service: Service): ExecutionsPort {
  return {
    startExecution: (input) =>
      service.startExecution(input).catch((e: unknown) => {
        throw e instanceof ServiceError ? new ExecutionRefusedError(e.code, e.message, e.resourceArn) : e;
      }),
    describeExecution: (arn) => service.describeExecution(arn),
    awaitExecution: (arn) => service.awaitExecution(arn),
  };
}

/** The composition root: builds and starts everything below the API, and closes it in order. */
export async function createApp(options: AppOptions = {}): Promise<App> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const clock = options.clock ?? systemClock;
  const activities = new ActivityQueue();
  // Nested executions run on the service made with these resources: the port is connected once it exists.
  const executions = lateExecutionsPort();
  let resources = options.resources;
  const aws = resources === undefined && options.functions !== undefined ? createAwsSdkIntegration({ config: options.aws, region, selfEndpoint: options.selfEndpoint }) : undefined;
  let ownObjects: { close(): void } | undefined;
  if (resources === undefined && options.functions !== undefined && aws !== undefined) {
    const nested = createStartExecutionIntegration(executions);
    const lambda = linkFunctionLogs(createLambdaIntegration(options.functions, { region, accountId }), options.functions);
    const http = createHttpIntegration({ connections: options.httpConnections, region });
    // Distributed Maps read and write `file://` buckets as folders here, the rest on S3 where aws.json/--aws-endpoint points.
    const objects = options.objects ?? (ownObjects = routedObjectStore(localObjectStore('.'), () => s3ObjectStore(s3ClientConfig(options.aws, region))));
    resources = createTaskRouter([
      createItemReaderIntegration(objects),
      createResultWriterIntegration(objects, () => new Date(clock.now())),
      createActivityIntegration(activities),
      nested,
      createCallbackIntegration([nested, aws, lambda]),
      http,
      aws,
      lambda,
    ]);
    if (options.wrapResources !== undefined) resources = options.wrapResources(resources);
  }
  // Outermost, so a mocked state calls nothing (and a mocked callback waits for no token).
  const mocks = options.mockConfig !== undefined ? { config: options.mockConfig, executions: new MockedExecutions() } : undefined;
  if (mocks !== undefined) resources = mocks.executions.resources(resources);
  const store = options.store ?? (await openStore({ database: options.database, dataDir: options.dataDir ?? '.stepwright', synchronous: options.synchronous }));
  const functionLogs = options.functions === undefined ? undefined : new FunctionLogRecorder(options.functions, store, { onError: options.onError });
  // Activity tasks wait in the store: any process sharing it hands them out (GetActivityTask).
  activities.connect(store);
  const scheduler = new Scheduler({
    store,
    resources,
    clock,
    // A task on an activity deleted meanwhile fails at once, as on AWS: the engine asks the queue.
    ids: options.ids ?? { uuid: randomUUID, random: Math.random, activityExists: (arn) => activities.activityExists(arn) },
    groupCommit: options.groupCommit === false ? NO_GROUP_COMMIT : options.groupCommit,
    transitionsPerSlice: options.transitionsPerSlice,
    onError: options.onError,
    onNotice: options.onNotice,
    workerId: options.workerId,
    leaseMs: options.leaseMs,
    timeScale: options.timeScale,
    serveOnly: options.serveOnly,
  });
  try {
    await scheduler.start();
  } catch (e) {
    await functionLogs?.close();
    await store.close();
    await aws?.close();
    throw e;
  }
  const service = createService({
    store,
    scheduler,
    activities,
    resources,
    clock,
    region,
    accountId,
    onError: options.onError,
    expressMaxDurationMs: options.expressMaxDurationMs,
    mocks,
    timeScale: options.timeScale,
  });
  executions.connect(executionsOf(service));

  let closing: Promise<void> | undefined;
  return {
    service,
    store,
    scheduler,
    activities,
    ...(resources !== undefined ? { resources } : {}),
    ...(functionLogs !== undefined ? { functionLogs } : {}),
    close() {
      // Once: a second close (a test's clean-up after its own) finds nothing left to close.
      return (closing ??= (async () => {
        await service.close();
        await scheduler.close();
        await functionLogs?.close();
        await store.close();
        await aws?.close();
        ownObjects?.close();
      })());
    },
  };
}

/** The S3 client of distributed Maps' ItemReader and ResultWriter: the endpoint and credentials aws.json or --aws-endpoint give S3, else the SDK's own (AWS_ENDPOINT_URL_S3, the AWS environment). */
function s3ClientConfig(aws: AwsConfig | undefined, region: string): S3ClientConfig {
  const endpoint = aws === undefined ? undefined : endpointOf(aws, 's3');
  const credentials = endpoint?.credentials ?? aws?.credentials ?? (endpoint !== undefined ? EMULATOR_CREDENTIALS : undefined);
  return { region: endpoint?.region ?? aws?.region ?? region, ...(endpoint !== undefined ? { endpoint: endpoint.url } : {}), ...(credentials !== undefined ? { credentials } : {}) };
}
