import { isPollableActivity } from '../language/resource-arn.js';
import type { ActivityQueue } from './activity-queue.js';
import type { Integration } from './contract.js';

/**
 * Task states whose resource is an activity ARN: the task goes into the queue workers poll with
 * GetActivityTask, and the worker's SendTaskSuccess/Failure (by token) is its result.
 */
export function createActivityIntegration(activities: ActivityQueue): Integration {
  return { serves: isPollableActivity, invoke: (invocation) => activities.dispatch(invocation) };
}
