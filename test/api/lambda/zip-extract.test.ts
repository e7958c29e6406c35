import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractZipSafely, ZipRejectedError } from '../../../src/api/lambda/zip-extract.js';
import { tempDir } from './lambda-server.js';
import { buildZip } from './zip-writer.js';

async function rejection(zip: Buffer, limits = {}): Promise<{ error: ZipRejectedError; base: string; dest: string }> {
  const base = tempDir('stepwright-zip-');
  const dest = path.join(base, 'code');
  const error = await extractZipSafely(zip, dest, limits).then(
    () => {
      throw new Error('expected the zip to be refused');
    },
    (e: unknown) => e as ZipRejectedError,
  );
  expect(error).toBeInstanceOf(ZipRejectedError);
  return { error, base, dest };
}

describe('extractZipSafely', () => {
  it('extracts files and folders, keeping the executable bit', async () => {
    const dest = path.join(tempDir('stepwright-zip-'), 'code');
    const result = await extractZipSafely(
      buildZip([
        { name: 'index.mjs', content: 'export const handler = 1;' },
        { name: 'lib/' },
        { name: 'lib/tool.sh', content: '#!/bin/sh', mode: 0o100755 },
      ]),
      dest,
    );
    expect(result).toEqual({ files: 2, unzippedBytes: 34 });
    expect(readFileSync(path.join(dest, 'index.mjs'), 'utf8')).toBe('export const handler = 1;');
    expect(statSync(path.join(dest, 'lib/tool.sh')).mode & 0o111).not.toBe(0);
  });

  it.each([
    ['a ../ entry', '../outside.txt', 'unsafe'],
    ['a nested ../ entry', 'a/../../outside.txt', 'unsafe'],
    ['an absolute path', '/outside.txt', 'unsafe'],
    ['a drive letter', 'C:/outside.txt', 'unsafe'],
    ['a backslash traversal', '..\\outside.txt', 'unsafe'],
  ])('refuses %s and leaves nothing behind', async (_label, name, kind) => {
    const { error, base, dest } = await rejection(buildZip([{ name: 'ok.txt', content: 'fine' }, { name, content: 'escaped' }]));
    expect(error.kind).toBe(kind);
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(base)).toEqual([]);
  });

  it('refuses symbolic links before writing anything', async () => {
    const { error, dest } = await rejection(buildZip([{ name: 'ok.txt', content: 'fine' }, { name: 'link', content: '/etc/passwd', mode: 0o120777 }]));
    expect(error).toMatchObject({ kind: 'unsafe', message: "entry 'link' is a symbolic link; links are not accepted" });
    expect(existsSync(dest)).toBe(false);
  });

  it('refuses a zip whose declared sizes exceed the unzipped limit before inflating', async () => {
    const { error } = await rejection(buildZip([{ name: 'a', content: 'x'.repeat(600) }, { name: 'b', content: 'y'.repeat(600) }]), { maxUnzippedBytes: 1000 });
    expect(error).toMatchObject({ kind: 'too-large-unzipped', message: 'Unzipped size must be smaller than 1000 bytes' });
  });

  it('refuses an entry that inflates to more than it declares (a zip bomb)', async () => {
    const { error, dest } = await rejection(buildZip([{ name: 'bomb', content: Buffer.alloc(1_000_000), declaredSize: 100 }]));
    expect(error.kind).toBe('invalid');
    expect(existsSync(dest)).toBe(false);
  });

  it('refuses more entries than the limit', async () => {
    const entries = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, content: 'x' }));
    const { error } = await rejection(buildZip(entries), { maxEntries: 4 });
    expect(error.kind).toBe('unsafe');
  });

  it('refuses a zip over the zipped limit and bytes that are not a zip', async () => {
    expect((await rejection(buildZip([{ name: 'a', content: 'abc' }]), { maxZippedBytes: 10 })).error.kind).toBe('too-large-zipped');
    expect((await rejection(Buffer.from('PK not really'))).error.kind).toBe('invalid');
  });

  it('refuses two entries with the same name instead of overwriting', async () => {
    const { error } = await rejection(buildZip([{ name: 'a.txt', content: '1' }, { name: 'a.txt', content: '2' }]));
    expect(error.kind).toBe('invalid');
  });
});
