/**
 * The object stores a distributed Map reads items from and writes results to: S3 through the AWS
 * SDK, a local folder standing in for a bucket, and the pair routed by how the Bucket is written.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { ItemReaderError, MAX_READ_BYTES, type ObjectStore, type ObjectSummary } from './item-reader.js';

/**
 * S3 through @aws-sdk/client-s3. Without an endpoint the SDK takes AWS_ENDPOINT_URL_S3 /
 * AWS_ENDPOINT_URL and the standard credentials; path-style addressing so that emulators
 * (moto, MinIO, LocalStack) need no bucket DNS.
 */
export function s3ObjectStore(config: S3ClientConfig = {}): ObjectStore & { close(): void } {
  // Loaded on first use: the SDK's S3 client is 5 MB of heap that every process would otherwise
  // carry (and every major GC mark) whether or not a Map ever reads from S3.
  let loaded: Promise<{ client: S3Client; sdk: typeof import('@aws-sdk/client-s3') }> | undefined;
  const s3 = () =>
    (loaded ??= import('@aws-sdk/client-s3').then((sdk) => ({ sdk, client: new sdk.S3Client({ forcePathStyle: true, region: 'us-east-1', ...config }) })));
  return {
    async getObject(bucket, key) {
      const { client, sdk } = await s3();
      const answer = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
      if (answer.Body === undefined) return Buffer.alloc(0);
      if ((answer.ContentLength ?? 0) > MAX_READ_BYTES) {
        answer.Body.transformToWebStream().cancel().catch(() => undefined);
        throw tooLarge(key, answer.ContentLength!);
      }
      return Buffer.from(await answer.Body.transformToByteArray());
    },
    async listObjects(bucket, prefix) {
      const objects: ObjectSummary[] = [];
      let token: string | undefined;
      const { client, sdk } = await s3();
      do {
        const page = await client.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          if (o.Key === undefined) continue;
          objects.push({ key: o.Key, etag: o.ETag, lastModified: o.LastModified, size: o.Size, storageClass: o.StorageClass });
        }
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return objects;
    },
    async putObject(bucket, key, body) {
      const { client, sdk } = await s3();
      await client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
    },
    close: () => void loaded?.then(({ client }) => client.destroy(), () => undefined),
  };
}

const tooLarge = (key: string, bytes: number): ItemReaderError =>
  new ItemReaderError(`${key} holds ${bytes} bytes, more than the ${MAX_READ_BYTES} bytes an ItemReader reads here.`);

/** Whether a Bucket names a local folder (`file://…`, `./…`, `/…`) rather than an S3 bucket, whose names have no `/`. */
export const isLocalBucket = (bucket: string): boolean => bucket.startsWith('file://') || bucket.startsWith('./') || bucket.startsWith('/');

/**
 * Folders under `root` (the project) as buckets: `file://data` and `./data` are `root/data`,
 * `file:///abs` and `/abs` are absolute but must still be under `root`. A key or bucket that leads
 * out of `root` is refused: definitions are untrusted.
 */
export function localObjectStore(root: string): ObjectStore {
  const base = path.resolve(root);
  const folderOf = (bucket: string): string => {
    let p = bucket;
    if (p.startsWith('file://')) p = p.startsWith('file:///') ? fileURLToPath(p) : p.slice('file://'.length);
    return inside(path.resolve(base, p), bucket);
  };
  const inside = (resolved: string, named: string): string => {
    if (resolved !== base && !resolved.startsWith(base + path.sep)) throw new ItemReaderError(`${named} is outside the project folder ${base}.`);
    return resolved;
  };
  const fileOf = (bucket: string, key: string): string => inside(path.resolve(folderOf(bucket), key), key);
  return {
    async getObject(bucket, key) {
      try {
        const file = fileOf(bucket, key);
        const size = (await stat(file)).size;
        if (size > MAX_READ_BYTES) throw tooLarge(key, size);
        return await readFile(file);
      } catch (e) {
        if (e instanceof ItemReaderError) throw e;
        throw new ItemReaderError(`Cannot read ${key} in ${bucket}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
    },
    async listObjects(bucket, prefix = '') {
      const folder = folderOf(bucket);
      const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => {
        throw new ItemReaderError(`Cannot list ${bucket}: no such folder.`);
      });
      const keys = entries
        .filter((e) => e.isFile())
        .map((e) => path.relative(folder, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
        .filter((k) => k.startsWith(prefix))
        .sort();
      const objects: ObjectSummary[] = [];
      for (const key of keys) {
        const s = await stat(path.join(folder, key));
        objects.push({ key, lastModified: s.mtime, size: s.size, storageClass: 'STANDARD' });
      }
      return objects;
    },
    async putObject(bucket, key, body) {
      const file = fileOf(bucket, key);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, body);
    },
  };
}

/** Local folders for local buckets, S3 (made on first use) for the rest. */
export function routedObjectStore(local: ObjectStore, s3: () => ObjectStore & { close?(): void }): ObjectStore & { close(): void } {
  let remote: (ObjectStore & { close?(): void }) | undefined;
  const pick = (bucket: string): ObjectStore => (isLocalBucket(bucket) ? local : (remote ??= s3()));
  return {
    getObject: (bucket, key) => pick(bucket).getObject(bucket, key),
    listObjects: (bucket, prefix) => pick(bucket).listObjects(bucket, prefix),
    putObject: (bucket, key, body) => pick(bucket).putObject(bucket, key, body),
    close: () => remote?.close?.(),
  };
}
