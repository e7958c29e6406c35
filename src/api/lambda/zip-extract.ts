import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/** Lambda's quotas for a deployment package uploaded directly (not through S3). */
export const MAX_ZIPPED_BYTES = 50 * 1024 * 1024;
export const MAX_UNZIPPED_BYTES = 250 * 1024 * 1024;
/** Not an AWS quota: a bound on work per upload, far above any real deployment package. */
export const MAX_ZIP_ENTRIES = 100_000;

/** Why a zip was refused; `kind` picks the AWS error the API answers with. */
export class ZipRejectedError extends Error {
  constructor(
    readonly kind: 'invalid' | 'unsafe' | 'too-large-zipped' | 'too-large-unzipped',
    message: string,
  ) {
    super(message);
    this.name = 'ZipRejectedError';
  }
}

export interface ExtractLimits {
  readonly maxZippedBytes?: number;
  readonly maxUnzippedBytes?: number;
  readonly maxEntries?: number;
}

export interface ExtractedZip {
  readonly files: number;
  readonly unzippedBytes: number;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

interface PlannedEntry {
  readonly entry: yauzl.Entry;
  readonly relative: string;
  readonly directory: boolean;
  readonly executable: boolean;
}

/**
 * Extracts `zip` into `destination` (which must not exist yet), refusing anything that could
 * write outside it: absolute paths, `..` components, drive letters, symlinks and other special
 * files. The whole central directory is checked before the first byte is written, and entry sizes
 * are verified while inflating (yauzl's validateEntrySizes), so a zip that lies about its sizes
 * cannot exceed the unzipped limit. On any failure `destination` is removed.
 */
export async function extractZipSafely(zip: Buffer, destination: string, limits: ExtractLimits = {}): Promise<ExtractedZip> {
  const maxZipped = limits.maxZippedBytes ?? MAX_ZIPPED_BYTES;
  const maxUnzipped = limits.maxUnzippedBytes ?? MAX_UNZIPPED_BYTES;
  const maxEntries = limits.maxEntries ?? MAX_ZIP_ENTRIES;
  if (zip.length > maxZipped) {
    throw new ZipRejectedError('too-large-zipped', `Zipped size must be smaller than ${maxZipped} bytes`);
  }
  let zipfile: yauzl.ZipFile;
  try {
    zipfile = await yauzl.fromBufferPromise(zip, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true });
  } catch (e) {
    throw new ZipRejectedError('invalid', describe(e));
  }
  try {
    if (zipfile.entryCount > maxEntries) {
      throw new ZipRejectedError('unsafe', `the archive has ${zipfile.entryCount} entries; at most ${maxEntries} are accepted`);
    }
    const plan = await planEntries(zipfile, maxUnzipped);
    await mkdir(destination, { recursive: false });
    const root = path.resolve(destination);
    try {
      let written = 0;
      for (const item of plan.entries) {
        const target = path.resolve(root, item.relative);
        // Defence in depth: planEntries already refused `..` and absolute names.
        if (target !== root && !target.startsWith(root + path.sep)) {
          throw new ZipRejectedError('unsafe', `entry '${item.entry.fileName}' would be written outside the function folder`);
        }
        if (item.directory) {
          await mkdir(target, { recursive: true });
          continue;
        }
        await mkdir(path.dirname(target), { recursive: true });
        written += await writeEntry(zipfile, item, target, maxUnzipped - written, maxUnzipped);
      }
      return { files: plan.entries.filter((e) => !e.directory).length, unzippedBytes: written };
    } catch (e) {
      await rm(destination, { recursive: true, force: true });
      throw e;
    }
  } finally {
    zipfile.close();
  }
}

async function planEntries(zipfile: yauzl.ZipFile, maxUnzipped: number): Promise<{ entries: PlannedEntry[] }> {
  const entries: PlannedEntry[] = [];
  let declared = 0;
  try {
    for await (const entry of zipfile.eachEntry()) {
      const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
      const type = mode & S_IFMT;
      // Only entries made on Unix carry a mode; others have 0 here and are regular files or folders.
      if (type === S_IFLNK) {
        throw new ZipRejectedError('unsafe', `entry '${entry.fileName}' is a symbolic link; links are not accepted`);
      }
      if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
        throw new ZipRejectedError('unsafe', `entry '${entry.fileName}' is not a regular file or folder`);
      }
      if (entry.isEncrypted()) throw new ZipRejectedError('invalid', `entry '${entry.fileName}' is encrypted`);
      const directory = entry.fileName.endsWith('/') || type === S_IFDIR;
      const relative = entry.fileName.replace(/\/+$/, '');
      if (relative === '' || relative.split('/').some((part) => part === '.' || part === '')) {
        if (directory && relative === '') continue;
        throw new ZipRejectedError('unsafe', `entry '${entry.fileName}' has an empty or '.' path component`);
      }
      if (relative.includes('\0')) throw new ZipRejectedError('unsafe', `entry '${entry.fileName}' contains a NUL byte`);
      declared += entry.uncompressedSize;
      if (declared > maxUnzipped) {
        throw new ZipRejectedError('too-large-unzipped', `Unzipped size must be smaller than ${maxUnzipped} bytes`);
      }
      entries.push({ entry, relative, directory, executable: (mode & 0o111) !== 0 });
    }
  } catch (e) {
    if (e instanceof ZipRejectedError) throw e;
    const message = describe(e);
    // yauzl validates names itself (decodeStrings) and reports these three kinds of unsafe path.
    if (/^(absolute path|invalid relative path|invalid characters in fileName)/.test(message)) {
      throw new ZipRejectedError('unsafe', message);
    }
    throw new ZipRejectedError('invalid', message);
  }
  return { entries };
}

async function writeEntry(
  zipfile: yauzl.ZipFile,
  item: PlannedEntry,
  target: string,
  budget: number,
  maxUnzipped: number,
): Promise<number> {
  let stream: Readable;
  try {
    stream = await zipfile.openReadStreamPromise(item.entry);
  } catch (e) {
    throw new ZipRejectedError('invalid', describe(e));
  }
  // The async iterator below reports the stream's error; this listener only keeps a late duplicate
  // 'error' emission (after the iterator let go) from becoming an uncaught exception.
  stream.on('error', () => undefined);
  // 'wx' refuses to follow or overwrite anything already there (a duplicate entry name included).
  const handle = await open(target, 'wx', item.executable ? 0o755 : 0o644).catch((e: unknown) => {
    stream.destroy();
    throw new ZipRejectedError('invalid', `entry '${item.entry.fileName}' cannot be written: ${describe(e)}`);
  });
  let written = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      written += chunk.length;
      if (written > budget) {
        throw new ZipRejectedError('too-large-unzipped', `Unzipped size must be smaller than ${maxUnzipped} bytes`);
      }
      await handle.write(chunk);
    }
  } catch (e) {
    stream.destroy();
    if (e instanceof ZipRejectedError) throw e;
    throw new ZipRejectedError('invalid', describe(e));
  } finally {
    await handle.close();
  }
  return written;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
