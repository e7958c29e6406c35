import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/index.js';
import { registerConsoleQueries } from './console-queries.js';
import { registerLiveEvents } from './live-events.js';
import { defaultConsoleDir, registerStaticFiles } from './static-files.js';

export type { ExecutionChange } from './live-events.js';
export type { WaitingTask } from './console-queries.js';
export { defaultConsoleDir } from './static-files.js';

export interface ConsoleOptions {
  readonly store: Store;
  /** The built console (default: dist/console of this package). */
  readonly staticDir?: string;
  /** How often live events look for changes while someone listens. */
  readonly pollMs?: number;
}

/** The web console on the API's port: its pages at `/`, its JSON and server-sent events under `/console/api/`. */
export function consoleRoutes(options: ConsoleOptions): (app: FastifyInstance) => void {
  return (app) => {
    registerStaticFiles(app, options.staticDir ?? defaultConsoleDir());
    registerConsoleQueries(app, options.store);
    registerLiveEvents(app, options.store, options.pollMs);
  };
}
