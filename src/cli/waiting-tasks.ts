import type { TaskResources } from '../engine/index.js';
import { isPollableActivity, parseResourceArn } from '../language/resource-arn.js';

/** A task that waits for someone outside: a `.waitForTaskToken` callback, or an activity's worker. */
export interface WaitingTask {
  readonly kind: 'callback' | 'activity';
  readonly taskToken: string;
  readonly stateName: string;
  readonly executionArn: string;
  /** The activity's ARN, or the resource that was called. */
  readonly resource: string;
}

/**
 * The router, telling `onWaiting` about each task that now waits for a token: a callback once its
 * message went out (the token is then the execution's to receive), an activity when it is queued.
 */
export function watchWaitingTasks(router: TaskResources, onWaiting: (task: WaitingTask) => void): TaskResources {
  return {
    async invoke(request, progress) {
      const token = request.taskToken;
      if (token === undefined) return router.invoke(request, progress);
      const arn = parseResourceArn(request.resource);
      const task = { taskToken: token, stateName: request.stateName, executionArn: request.executionArn, resource: request.resource };
      if (isPollableActivity(arn)) {
        const result = router.invoke(request, progress);
        onWaiting({ kind: 'activity', ...task });
        return result;
      }
      const sent = await router.invoke(request, progress);
      if (sent.ok && arn.pattern === 'waitForTaskToken') onWaiting({ kind: 'callback', ...task });
      return sent;
    },
  };
}
