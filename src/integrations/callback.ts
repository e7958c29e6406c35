import { type TaskProgress, type TaskRequest, type TaskResources, type TaskResult } from '../../engine/index.js';
import { isPollableActivity, parseResourceArn } from '../../language/resource-arn.js';
import type { Stepwright } from '../../stepwright.js';
import type { ActivityQueue } from './activity-queue.js';
import { isNestedExecutionResource, startNestedExecution } from './nested-executions.js';

const WAIT_FOR_TOKEN = '.waitForTaskToken';

/**
 * The Task resources the server serves: activities (through the queue workers poll), resources
 * given by the caller (Lambda functions …), and `.waitForTaskToken` for any of them: the
 * underlying call is made (or, for a service we do not run, taken as sent) and the task then waits
 * for SendTaskSuccess/Failure with the token from `$$.Task.Token`.
 */
export function createServerResources(options: {
  readonly activities: ActivityQueue;
  readonly resources?: TaskResources;
  /** For nested executions; given late because Stepwright itself is made with these resources. */
  readonly stepwright?: () => Stepwright | undefined;
}): TaskResources {
  const inner = options.resources;
  const nested = (request: TaskRequest, progress?: TaskProgress): Promise<TaskResult> => {
    const sw = options.stepwright?.();
    if (sw === undefined) return Promise.resolve({ ok: false, error: 'States.Runtime', cause: 'Nested executions are not available' });
    return startNestedExecution(sw, request, progress);
  };
  return {
    async invoke(request: TaskRequest, progress?: TaskProgress): Promise<TaskResult> {
      if (isPollableActivity(parseResourceArn(request.resource))) return options.activities.dispatch(request);
      if (isNestedExecutionResource(request.resource)) return nested(request, progress);
      if (request.resource.endsWith(WAIT_FOR_TOKEN)) {
        const base = request.resource.slice(0, -WAIT_FOR_TOKEN.length);
        if (isNestedExecutionResource(base)) {
          const sent = await nested({ ...request, resource: base });
          return sent.ok ? { ok: true, output: null } : sent;
        }
        if (inner === undefined || !base.includes(':lambda:')) return { ok: true, output: null };
        // The message goes out through the underlying integration; the result comes with the token.
        const sent = await inner.invoke({ ...request, resource: base });
        return sent.ok ? { ok: true, output: null } : sent;
      }
      if (inner === undefined) return { ok: false, error: 'States.Runtime', cause: `No resource is configured to serve '${request.resource}'` };
      return inner.invoke(request, progress);
    },
  };
}
