import { activityArnOf, parseArn } from './arns.js';
import { awsErrors, str, type SfnBackend } from './backend.js';
import { SfnApiError } from './errors.js';
import { isValidName } from './names.js';
import type { Operation } from './operations.js';
import { page } from './paging.js';
import { epochSeconds } from './wire.js';

/** AWS holds a GetActivityTask request open for up to 60 seconds. */
export const ACTIVITY_POLL_MS = 60_000;

const activityMissing = (arn: string): SfnApiError => new SfnApiError('ActivityDoesNotExist', `Activity Does Not Exist: '${arn}'`);

export function activityOperations(b: SfnBackend, options: { pollMs?: number; signal?: AbortSignal } = {}): Record<string, Operation> {
  const store = b.stepwright.store;
  return awsErrors({
    async CreateActivity(input) {
      const name = input.name as string;
      if (!isValidName(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
      const arn = activityArnOf(b, name);
      // AWS: creating an existing activity again answers with it (idempotent).
      const a = await store.createActivity(name, arn, b.now());
      b.activities.addActivity(a.arn);
      const tags = Array.isArray(input.tags) ? (input.tags as { key: string; value?: string }[]) : [];
      if (tags.length > 0) await store.tagResource(arn, tags.map((t) => ({ key: t.key, value: t.value ?? '' })));
      return { activityArn: a.arn, creationDate: epochSeconds(a.createdAt) };
    },

    async DeleteActivity(input) {
      const arn = input.activityArn as string;
      parseArn(arn, ['activity']);
      if (await store.deleteActivity(arn)) b.activities.dropActivity(arn);
      return {};
    },

    async DescribeActivity(input) {
      const arn = input.activityArn as string;
      parseArn(arn, ['activity']);
      const a = await store.getActivity(arn);
      if (a === undefined) throw activityMissing(arn);
      return { activityArn: a.arn, name: a.name, creationDate: epochSeconds(a.createdAt) };
    },

    async ListActivities(input) {
      const p = page(await store.listActivities(), input, 'ListActivities');
      const out: Record<string, unknown> = { activities: p.items.map((a) => ({ activityArn: a.arn, name: a.name, creationDate: epochSeconds(a.createdAt) })) };
      if (p.nextToken !== undefined) out.nextToken = p.nextToken;
      return out;
    },

    async GetActivityTask(input) {
      const arn = input.activityArn as string;
      parseArn(arn, ['activity']);
      if ((await store.getActivity(arn)) === undefined) throw activityMissing(arn);
      const workerName = str(input.workerName);
      const deadline = Date.now() + (options.pollMs ?? ACTIVITY_POLL_MS);
      for (;;) {
        const task = await b.activities.poll(arn, Math.max(0, deadline - Date.now()), options.signal, workerName);
        // No task within the poll: AWS answers 200 with no token.
        if (task === undefined) return {};
        // A task whose attempt ended while it waited (timed out, execution stopped) is nobody's work.
        if (b.activities.taskOf(task.taskToken)?.durable === true && (await store.getTaskToken(task.taskToken)) === undefined) {
          b.activities.forget(task.taskToken);
          continue;
        }
        return task;
      }
    },
  });
}
