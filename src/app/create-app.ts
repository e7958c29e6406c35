import { randomUUID } from 'node:crypto';
import { systemClock, type Clock, type Ids, type TaskResources } from '../engine/index.js';
import type { FunctionRuntime } from '../functions/index.js';
import { ActivityQueue } from '../integrations/activity-queue.js';
import { createActivityIntegration } from '../integrations/activity.js';
import { createCallbackIntegration } from '../integrations/callback.js';
import { ExecutionRefusedError, lateExecutionsPort, type ExecutionsPort } from '../integrations/contract.js';
import { linkFunctionLogs } from '../integrations/function-logs.js';
import type { HttpConnections } from '../integrations/http-connections.js';
import { createHttpIntegration } from '../integrations/http.js';
import { createLambdaIntegration } from '../integrations/lambda.js';
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
  if (resources === undefined && options.functions !== undefined) {
    const nested = createStartExecutionIntegration(executions);
    const lambda = linkFunctionLogs(createLambdaIntegration(options.functions, { region, accountId }), options.functions);
    const http = createHttpIntegration({ connections: options.httpConnections, region });
    resources = createTaskRouter([createActivityIntegration(activities), nested, createCallbackIntegration([nested, lambda]), http, lambda]);
    if (options.wrapResources !== undefined) resources = options.wrapResources(resources);
  }
  const store = options.store ?? (await openStore({ database: options.database, dataDir: options.dataDir ?? '.stepwright', synchronous: options.synchronous }));
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
    serveOnly: options.serveOnly,
  });
  try {
    await scheduler.start();
  } catch (e) {
    await store.close();
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
  });
  executions.connect(executionsOf(service));

  let closing: Promise<void> | undefined;
  return {
    service,
    store,
    scheduler,
    activities,
    ...(resources !== undefined ? { resources } : {}),
    close() {
      // Once: a second close (a test's clean-up after its own) finds nothing left to close.
      return (closing ??= (async () => {
        await service.close();
        await scheduler.close();
        await store.close();
      })());
    },
  };
}
