import type { ActivityRecord } from '../store/index.js';
import { activityArnOf } from './arns.js';
import type { ServiceDeps } from './context.js';
import { activityMissing } from './errors.js';
import { checkName } from './names.js';

/** AWS holds a GetActivityTask request open for up to 60 seconds. */
export const ACTIVITY_POLL_MS = 60_000;

export function createActivities(d: ServiceDeps) {
  const { store, activities } = d;

  async function activityOf(arn: string): Promise<ActivityRecord> {
    const a = await store.getActivity(arn);
    if (a === undefined) throw activityMissing(arn);
    return a;
  }

  return {
    activityOf,

    async createActivity(input: { name: string; tags?: readonly { key: string; value?: string }[] }): Promise<ActivityRecord> {
      const name = checkName(input.name);
      const arn = activityArnOf(d, name);
      // AWS: creating an existing activity again answers with it (idempotent).
      const a = await store.createActivity(name, arn, d.clock.now());
      // Every process sharing the store hears it (this one's activity queue at once).
      store.signals.publish('activityCreated', a.arn);
      const tags = input.tags ?? [];
      if (tags.length > 0) await store.tagResource(arn, tags.map((t) => ({ key: t.key, value: t.value ?? '' })));
      return a;
    },

    async deleteActivity(arn: string): Promise<void> {
      if (!(await store.deleteActivity(arn))) return;
      store.signals.publish('activityDeleted', arn);
      await store.deleteActivityTasks(arn);
    },

    listActivities(): Promise<ActivityRecord[]> {
      return store.listActivities();
    },

    /** GetActivityTask: a task of the activity, or none when the poll ends without one (AWS: 200, no token). */
    async getActivityTask(input: { activityArn: string; workerName?: string; pollMs?: number; signal?: AbortSignal }): Promise<{ taskToken: string; input: string } | undefined> {
      await activityOf(input.activityArn);
      return activities.poll(input.activityArn, input.pollMs ?? ACTIVITY_POLL_MS, input.signal, input.workerName);
    },
  };
}
