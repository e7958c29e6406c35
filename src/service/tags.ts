import { parseArn, parseMachineArn } from './arns.js';
import type { ServiceDeps } from './context.js';
import { resourceMissing, ServiceError } from './errors.js';

/** AWS allows 50 tags per resource. */
const MAX_TAGS = 50;

export function createTags(d: ServiceDeps) {
  const { store } = d;

  /** Tags belong to state machines and activities (not to versions, aliases or executions). */
  async function resourceOf(arn: string): Promise<string> {
    const p = parseArn(arn, ['stateMachine', 'activity']);
    if (p.type === 'activity') {
      if ((await store.getActivity(arn)) === undefined) throw resourceMissing(arn);
      return arn;
    }
    const ref = parseMachineArn(arn);
    if (ref.version !== undefined || ref.alias !== undefined || (await store.getStateMachine(arn)) === undefined) throw resourceMissing(arn);
    return arn;
  }

  return {
    async tagResource(resourceArn: string, given: readonly { key: string; value?: string }[]): Promise<void> {
      const arn = await resourceOf(resourceArn);
      const tags = given.map((t) => ({ key: t.key, value: t.value ?? '' }));
      const keys = new Set([...(await store.listTags(arn)).map((t) => t.key), ...tags.map((t) => t.key)]);
      if (keys.size > MAX_TAGS) throw new ServiceError('TooManyTags', `Too many tags: resource '${arn}' may have at most ${MAX_TAGS} tags`);
      await store.tagResource(arn, tags);
    },

    async untagResource(resourceArn: string, keys: readonly string[]): Promise<void> {
      await store.untagResource(await resourceOf(resourceArn), keys);
    },

    async listTagsForResource(resourceArn: string): Promise<{ key: string; value: string }[]> {
      return store.listTags(await resourceOf(resourceArn));
    },
  };
}
