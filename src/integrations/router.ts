import type { TaskProgress, TaskRequest, TaskResources, TaskResult } from '../engine/types.js';
import { parseResourceArn } from '../language/resource-arn.js';
import { unknownResource, type Integration } from './contract.js';

/**
 * The Task resources the scheduler and the in-memory runner call: each invocation goes to the
 * first integration that serves its parsed resource. The order is the composition's: the server
 * puts activities first (an activity ARN is served whatever its ending), then nested executions,
 * `.waitForTaskToken` around them, and Lambda.
 */
export function createTaskRouter(integrations: readonly Integration[]): TaskResources {
  return {
    invoke(request: TaskRequest & { readonly idempotencyKey?: string }, progress?: TaskProgress): Promise<TaskResult> {
      const arn = parseResourceArn(request.resource);
      const integration = integrations.find((i) => i.serves(arn, request));
      if (integration === undefined) return Promise.resolve(request.itemReader !== undefined || request.resultWriter !== undefined ? noObjectStore(request) : unknownResource(request.resource));
      return integration.invoke({ ...request, arn }, progress);
    },
  };
}

/** A distributed Map's read or write where no object store is set up (an in-memory run without one). */
function noObjectStore(request: TaskRequest): TaskResult {
  const reading = request.itemReader !== undefined;
  return {
    ok: false,
    error: reading ? 'States.ItemReaderFailed' : 'States.ResultWriterFailed',
    cause: `This run has no object store for the ${reading ? 'ItemReader' : 'ResultWriter'} of state '${request.stateName}' (resource ${request.resource}).`,
  };
}
