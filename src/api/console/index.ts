import type { FastifyInstance } from 'fastify';
import type { FunctionRuntime } from '../../functions/index.js';
import type { Store } from '../../store/index.js';
import type { FunctionLogReader } from '../../integrations/function-logs.js';
import { registerConsoleQueries } from './console-queries.js';
import { registerFunctionLogs } from './function-logs.js';
import { registerLiveEvents } from './live-events.js';
import { defaultConsoleDir, registerStaticFiles } from './static-files.js';

export type { ExecutionChange } from './live-events.js';
export type { WaitingTask } from './console-queries.js';
export type { InvocationView } from './function-logs.js';
export { defaultConsoleDir } from './static-files.js';

export interface ConsoleOptions {
  readonly store: Store;
  /** The built console (default: dist/console of this package). */
  readonly staticDir?: string;
  /** How often live events look for changes while someone listens. */
  readonly pollMs?: number;
  /** The function runtime: invocation logs per Task state and per function. */
  readonly runtime?: FunctionRuntime;
  /** Where the invocation logs are kept (the store, through the app's recorder); default: the runtime's memory. */
  readonly functionLogs?: FunctionLogReader;
}

/** The web console on the API's port: its pages at `/`, its JSON and server-sent events under `/console/api/`. */
export function consoleRoutes(options: ConsoleOptions): (app: FastifyInstance) => void {
  return (app) => {
    registerStaticFiles(app, options.staticDir ?? defaultConsoleDir());
    registerConsoleQueries(app, options.store);
    if (options.runtime !== undefined) registerFunctionLogs(app, options.runtime, options.functionLogs);
    registerLiveEvents(app, options.store, options.pollMs);
  };
}
