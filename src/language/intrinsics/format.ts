import type { IntrinsicArgument } from './parser.js';
import type { Invocation } from './invocation.js';
import { javaToString } from './java-text.js';

/** A States.Format template: literal text, with `null` where a value goes. */
type Template = readonly (string | null)[];

/**
 * Splits a template at its `{}`. For a string literal the raw text is used, so `\{}` (an escaped
 * brace) stays literal text; a template that comes from a path has no escapes to honour.
 */
function splitTemplate(text: string, honourEscapes: boolean): Template {
  const parts: (string | null)[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (honourEscapes && c === '\\' && i + 1 < text.length) {
      literal += text[++i];
    } else if (c === '{' && text[i + 1] === '}') {
      parts.push(literal, null);
      literal = '';
      i++;
    } else {
      literal += c;
    }
  }
  parts.push(literal);
  return parts;
}

const literalTemplates = new WeakMap<IntrinsicArgument, Template>();

function templateOf(call: Invocation): Template {
  const node = call.nodes[0];
  if (node.kind === 'string') {
    let template = literalTemplates.get(node);
    if (template === undefined) {
      template = splitTemplate(node.raw, true);
      literalTemplates.set(node, template);
    }
    return template;
  }
  return splitTemplate(call.string(0), false);
}

/** States.Format(template, ...values): each `{}` replaced by the Java text of the value in its position. */
export function format(call: Invocation): string {
  const template = templateOf(call);
  const values = call.args.slice(1);
  const slots = template.filter((p) => p === null).length;
  if (slots !== values.length) {
    throw call.fail(`the template has ${slots} '{}' but ${values.length} value argument(s) were given`);
  }
  let out = '';
  let next = 0;
  for (const part of template) out += part === null ? javaToString(values[next++]) : part;
  return out;
}
