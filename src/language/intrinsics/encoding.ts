import type { Invocation } from './invocation.js';

/** AWS takes at most this many characters in Base64Encode and Base64Decode (and Hash). */
export const ENCODING_INPUT_LIMIT = 10000;

function limitedString(call: Invocation): string {
  const text = call.string(0);
  if (text.length > ENCODING_INPUT_LIMIT) {
    throw call.fail(`the input has ${text.length} characters, more than the limit of ${ENCODING_INPUT_LIMIT}`);
  }
  return text;
}

/** States.Base64Encode(text): the UTF-8 bytes of the text, standard alphabet, padded. */
export function base64Encode(call: Invocation): string {
  return Buffer.from(limitedString(call), 'utf8').toString('base64');
}

/** Padding is optional, as with Java's decoder; anything outside the standard alphabet is refused. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** States.Base64Decode(base64): the decoded bytes read as UTF-8. */
export function base64Decode(call: Invocation): string {
  const text = limitedString(call);
  if (!BASE64.test(text)) throw call.fail('the input is not valid Base64');
  return Buffer.from(text, 'base64').toString('utf8');
}
