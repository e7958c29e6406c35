import path from 'node:path';

/** A template Stepwright cannot load; the message names the file, the line when known, and the path. */
export class SamTemplateError extends Error {
  override readonly name = 'SamTemplateError';
}

/** Where a value is in the template: keys and list indexes from the root. */
export type TemplatePath = readonly (string | number)[];

/** `Resources.Flow.Properties.DefinitionUri`, as CloudFormation's own messages name a place. */
export function pathText(at: TemplatePath): string {
  return at
    .map((p) => (typeof p === 'number' ? `[${p}]` : p))
    .join('.')
    .replace(/\.\[/g, '[');
}

/** A file as messages show it: relative to the working folder when it is under it, else absolute. */
export function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}
