import { taskTokenExecution } from '../engine/index.js';
import type { Json } from '../language/json.js';
import type { ServiceDeps } from './context.js';
import { ServiceError } from './errors.js';

// AWS's texts: a token it never issued, and one whose task is over (answered, timed out, execution closed).
const invalidToken = (): ServiceError => new ServiceError('InvalidToken', "Invalid Token: 'Invalid token'");
const taskOver = (): ServiceError => new ServiceError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
/** A token we issued whose task is gone is over; anything else was never a token of ours. */
const unknownToken = (token: string): ServiceError => (taskTokenExecution(token) === undefined ? invalidToken() : taskOver());

type Outcome = { ok: true; output: Json } | { ok: false; error?: string; cause?: string };

/**
 * SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat: one completion path, activities included.
 * Tokens are in the store, so any server sharing it answers any task.
 */
export function createTasks(d: ServiceDeps) {
  const { store, scheduler } = d;

  async function complete(token: string, result: Outcome): Promise<void> {
    const r = await scheduler.submit({ kind: 'completeTaskToken', token, result });
    if (r.kind === 'delivered') {
      scheduler.wake(r.executionArn);
      return;
    }
    if (r.kind === 'dropped' && r.reason === 'notRunning') throw taskOver();
    throw unknownToken(token);
  }

  return {
    /** `output` is JSON text, parsed once here (InvalidOutput when it is not JSON). */
    async sendTaskSuccess(input: { taskToken: string; output: string }): Promise<void> {
      let output: Json;
      try {
        output = JSON.parse(input.output) as Json;
      } catch (e) {
        throw new ServiceError('InvalidOutput', `Invalid Output: '${(e as Error).message}'`);
      }
      await complete(input.taskToken, { ok: true, output });
    },

    async sendTaskFailure(input: { taskToken: string; error?: string; cause?: string }): Promise<void> {
      // Neither given: AWS records a TaskFailed with neither (a Catch then shows both as null).
      const named = input.error !== undefined || input.cause !== undefined;
      await complete(input.taskToken, named ? { ok: false, error: input.error ?? '', cause: input.cause ?? '' } : { ok: false });
    },

    async sendTaskHeartbeat(input: { taskToken: string }): Promise<void> {
      const token = input.taskToken;
      const target = await store.getTaskToken(token);
      if (target === undefined) throw unknownToken(token);
      const r = await scheduler.submit({ kind: 'appendInbox', executionArn: target.executionArn, event: { type: 'taskHeartbeat', frameId: target.frameId, attempt: target.attempt } });
      if (r.kind !== 'delivered') throw taskOver();
      scheduler.wake(r.executionArn);
    },
  };
}
