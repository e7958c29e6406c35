import { parseArn, parseMachineArn } from './arns.js';
import { awsErrors, type SfnBackend } from './backend.js';
import { SfnApiError } from './errors.js';
import type { Operation } from './operations.js';

/** AWS allows 50 tags per resource. */
const MAX_TAGS = 50;

export function tagOperations(b: SfnBackend): Record<string, Operation> {
  const store = b.stepwright.store;
  const missing = (arn: string): SfnApiError => new SfnApiError('ResourceNotFound', `Resource not found: '${arn}'`);

  /** Tags belong to state machines and activities (not to versions, aliases or executions). */
  async function resourceOf(arn: string): Promise<string> {
    const p = parseArn(arn, ['stateMachine', 'activity']);
    if (p.type === 'activity') {
      if ((await store.getActivity(arn)) === undefined) throw missing(arn);
      return arn;
    }
    const ref = parseMachineArn(arn);
    if (ref.version !== undefined || ref.alias !== undefined || (await store.getStateMachine(arn)) === undefined) throw missing(arn);
    return arn;
  }

  return awsErrors({
    async TagResource(input) {
      const arn = await resourceOf(input.resourceArn as string);
      const tags = (input.tags as { key: string; value?: string }[]).map((t) => ({ key: t.key, value: t.value ?? '' }));
      const keys = new Set([...(await store.listTags(arn)).map((t) => t.key), ...tags.map((t) => t.key)]);
      if (keys.size > MAX_TAGS) throw new SfnApiError('TooManyTags', `Too many tags: resource '${arn}' may have at most ${MAX_TAGS} tags`);
      await store.tagResource(arn, tags);
      return {};
    },

    async UntagResource(input) {
      const arn = await resourceOf(input.resourceArn as string);
      await store.untagResource(arn, input.tagKeys as string[]);
      return {};
    },

    async ListTagsForResource(input) {
      const arn = await resourceOf(input.resourceArn as string);
      return { tags: await store.listTags(arn) };
    },
  });
}
