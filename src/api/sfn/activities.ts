import { parseArn } from '../../service/index.js';
import { awsErrors, str, type SfnBackend } from './backend.js';
import type { Operation } from './operations.js';
import { page } from './paging.js';
import { epochSeconds } from './wire.js';

const tagsOf = (v: unknown): { key: string; value?: string }[] => (Array.isArray(v) ? (v as { key: string; value?: string }[]) : []);

export function activityOperations(b: SfnBackend, options: { pollMs?: number; signal?: AbortSignal } = {}): Record<string, Operation> {
  const s = b.service;
  return awsErrors({
    async CreateActivity(input) {
      const a = await s.createActivity({ name: input.name as string, tags: tagsOf(input.tags) });
      return { activityArn: a.arn, creationDate: epochSeconds(a.createdAt) };
    },

    async DeleteActivity(input) {
      const arn = input.activityArn as string;
      parseArn(arn, ['activity']);
      await s.deleteActivity(arn);
      return {};
    },

    async DescribeActivity(input) {
      const arn = input.activityArn as string;
      parseArn(arn, ['activity']);
      const a = await s.activityOf(arn);
      return { activityArn: a.arn, name: a.name, creationDate: epochSeconds(a.createdAt) };
    },

    async ListActivities(input) {
      const p = page(await s.listActivities(), input, 'ListActivities');
      const out: Record<string, unknown> = { activities: p.items.map((a) => ({ activityArn: a.arn, name: a.name, creationDate: epochSeconds(a.createdAt) })) };
      if (p.nextToken !== undefined) out.nextToken = p.nextToken;
      return out;
    },

    async GetActivityTask(input) {
      const arn = input.activityArn as string;
      parseArn(arn, ['activity']);
      // No task within the poll: AWS answers 200 with no token.
      return (await s.getActivityTask({ activityArn: arn, workerName: str(input.workerName), pollMs: options.pollMs, signal: options.signal })) ?? {};
    },
  });
}
