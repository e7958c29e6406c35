import type { Json } from '../../language/json.js';
import { awsErrors, str, type SfnBackend } from './backend.js';
import { SfnApiError } from './errors.js';
import type { Operation } from './operations.js';
import { taskTokenExecution } from '../../engine/index.js';

// AWS's texts: a token it never issued, and one whose task is over (answered, timed out, execution closed).
const invalidToken = (): SfnApiError => new SfnApiError('InvalidToken', "Invalid Token: 'Invalid token'");
const taskOver = (): SfnApiError => new SfnApiError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
/** A token we issued whose task is gone is over; anything else was never a token of ours. */
const unknownToken = (token: string): SfnApiError => (taskTokenExecution(token) === undefined ? invalidToken() : taskOver());

type Outcome = { ok: true; output: Json } | { ok: false; error: string; cause: string };

export function taskOperations(b: SfnBackend): Record<string, Operation> {
  const sw = b.stepwright;

  async function complete(token: string, result: Outcome): Promise<Record<string, never>> {
    if (b.activities.complete(token, result)) return {};
    const r = await sw.scheduler.submit({ kind: 'completeTaskToken', token, result });
    // An activity task answered (or over): no other worker is handed it.
    b.activities.forget(token);
    if (r.kind === 'delivered') {
      sw.scheduler.wake(r.executionArn);
      return {};
    }
    if (r.kind === 'dropped' && r.reason === 'notRunning') throw taskOver();
    throw unknownToken(token);
  }

  return awsErrors({
    async SendTaskSuccess(input) {
      let output: Json;
      try {
        output = JSON.parse(input.output as string) as Json;
      } catch (e) {
        throw new SfnApiError('InvalidOutput', `Invalid Output: '${(e as Error).message}'`);
      }
      return complete(input.taskToken as string, { ok: true, output });
    },

    async SendTaskFailure(input) {
      return complete(input.taskToken as string, { ok: false, error: str(input.error) ?? '', cause: str(input.cause) ?? '' });
    },

    async SendTaskHeartbeat(input) {
      const token = input.taskToken as string;
      const activity = b.activities.taskOf(token);
      let target: { executionArn: string; frameId: string; attempt: number } | undefined;
      if (activity !== undefined && !activity.durable) {
        target = activity.idempotencyKey === undefined ? undefined : await sw.store.getOutboxEntry(activity.idempotencyKey);
        if (target === undefined) return {};
      } else {
        target = await sw.store.getTaskToken(token);
        if (target === undefined) throw unknownToken(token);
      }
      const r = await sw.scheduler.submit({ kind: 'appendInbox', executionArn: target.executionArn, event: { type: 'taskHeartbeat', frameId: target.frameId, attempt: target.attempt } });
      if (r.kind !== 'delivered') throw taskOver();
      sw.scheduler.wake(r.executionArn);
      return {};
    },
  });
}
