import { awsErrors, type SfnBackend } from './backend.js';
import type { Operation } from './operations.js';

export function tagOperations(b: SfnBackend): Record<string, Operation> {
  const s = b.service;
  return awsErrors({
    async TagResource(input) {
      await s.tagResource(input.resourceArn as string, input.tags as { key: string; value?: string }[]);
      return {};
    },

    async UntagResource(input) {
      await s.untagResource(input.resourceArn as string, input.tagKeys as string[]);
      return {};
    },

    async ListTagsForResource(input) {
      return { tags: await s.listTagsForResource(input.resourceArn as string) };
    },
  });
}
