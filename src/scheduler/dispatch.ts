import type { TaskProgress, TaskRequest, TaskResources, TaskResult } from '../engine/index.js';
import type { OutboxRecord } from '../store/index.js';

/** A task request with the key that is the same for every dispatch of one attempt. */
export interface DispatchedTaskRequest extends TaskRequest {
  /** Execution ARN + TaskScheduled event id: a resource that sees it twice may answer from memory. */
  readonly idempotencyKey: string;
}

/** Invokes a Task's resource; a resource that throws fails the task as the in-memory loop does. */
export async function dispatchTask(resources: TaskResources | undefined, o: OutboxRecord, progress?: TaskProgress): Promise<TaskResult> {
  if (resources === undefined)
    return { ok: false, error: 'States.Runtime', cause: `No resource is configured to serve '${o.request.resource}'` };
  const request: DispatchedTaskRequest = { ...o.request, idempotencyKey: o.idempotencyKey };
  try {
    return await resources.invoke(request, progress);
  } catch (e) {
    return { ok: false, error: 'States.TaskFailed', cause: e instanceof Error ? e.message : String(e) };
  }
}
