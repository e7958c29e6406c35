import { createHash } from 'node:crypto';
import type { Invocation } from './invocation.js';
import { ENCODING_INPUT_LIMIT } from './encoding.js';

/** The algorithm names AWS accepts (exactly as written) and node's names for them. */
const ALGORITHMS: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** States.Hash(data, algorithm): lower-case hex digest of the UTF-8 bytes of `data`. */
export function hash(call: Invocation): string {
  const data = call.string(0);
  const algorithm = call.string(1);
  if (data.length > ENCODING_INPUT_LIMIT) {
    throw call.fail(`the data has ${data.length} characters, more than the limit of ${ENCODING_INPUT_LIMIT}`);
  }
  const nodeName = Object.prototype.hasOwnProperty.call(ALGORITHMS, algorithm) ? ALGORITHMS[algorithm] : undefined;
  if (nodeName === undefined) {
    throw call.fail(`unsupported hash algorithm '${algorithm}' (use one of ${Object.keys(ALGORITHMS).join(', ')})`);
  }
  return createHash(nodeName).update(data, 'utf8').digest('hex');
}
