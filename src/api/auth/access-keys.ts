import fs from 'node:fs';

/** Access key id → secret access key, the credentials `--auth` accepts. */
export type AccessKeys = ReadonlyMap<string, string>;

const KEY_ID = /^[A-Za-z0-9]{3,128}$/;

/**
 * Reads the access keys for `--auth`: a JSON file (`{"AKID": "secret"}` or
 * `[{"accessKeyId": "AKID", "secretAccessKey": "secret"}]`), and/or `STEPWRIGHT_ACCESS_KEYS`
 * (`AKID:secret[,AKID2:secret2]`). Throws with the place of the problem.
 */
export function loadAccessKeys(options: { file?: string; env?: string }): AccessKeys {
  const keys = new Map<string, string>();
  const add = (id: unknown, secret: unknown, where: string): void => {
    if (typeof id !== 'string' || !KEY_ID.test(id)) throw new Error(`${where}: the access key id must be 3 to 128 letters and digits`);
    if (typeof secret !== 'string' || secret === '') throw new Error(`${where}: the secret access key of ${id} must be a non-empty string`);
    keys.set(id, secret);
  };
  if (options.file !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(fs.readFileSync(options.file, 'utf8')) as unknown;
    } catch (e) {
      throw new Error(`--auth-keys ${options.file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (Array.isArray(value)) {
      value.forEach((entry: unknown, i) => {
        const e = (typeof entry === 'object' && entry !== null ? entry : {}) as { accessKeyId?: unknown; secretAccessKey?: unknown };
        add(e.accessKeyId, e.secretAccessKey, `--auth-keys ${options.file} [${i}]`);
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [id, secret] of Object.entries(value)) add(id, secret, `--auth-keys ${options.file} "${id}"`);
    } else {
      throw new Error(`--auth-keys ${options.file}: expected {"ACCESS_KEY_ID": "SECRET"} or [{"accessKeyId", "secretAccessKey"}]`);
    }
  }
  if (options.env !== undefined && options.env.trim() !== '') {
    for (const pair of options.env.split(',')) {
      const at = pair.indexOf(':');
      add(at < 0 ? pair.trim() : pair.slice(0, at).trim(), at < 0 ? undefined : pair.slice(at + 1).trim(), 'STEPWRIGHT_ACCESS_KEYS');
    }
  }
  return keys;
}
