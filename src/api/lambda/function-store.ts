import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isFunctionRuntimeName } from '../../functions/index.js';
import type { FunctionRecord } from './function-record.js';
import { extractZipSafely } from './zip-extract.js';

export interface StagedCode {
  readonly codeFolder: string;
  readonly codeSha256: string;
  readonly codeSize: number;
}

/**
 * Functions created through the API, on disk under `<dataDir>/functions/<name>/`:
 * `metadata.json` (the FunctionRecord), one folder per extracted code version named by its hash,
 * and that version's zip beside it (GetFunction's Code.Location serves it).
 */
export class FunctionStore {
  readonly root: string;
  private readonly records = new Map<string, FunctionRecord>();

  constructor(dataDir: string) {
    this.root = path.resolve(dataDir, 'functions');
  }

  /** Reads every persisted function; unreadable entries are skipped and reported, never fatal. */
  async load(onProblem: (message: string) => void): Promise<FunctionRecord[]> {
    await mkdir(this.root, { recursive: true });
    // Extractions interrupted by a crash never became current; nothing refers to them.
    await rm(path.join(this.root, '.staging'), { recursive: true, force: true });
    const names = await readdir(this.root);
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue;
      const file = path.join(this.root, name, 'metadata.json');
      try {
        const record = parseRecord(JSON.parse(await readFile(file, 'utf8')) as unknown);
        if (record === undefined || record.name !== name) throw new Error('not a function record');
        await stat(this.codeDir(record));
        this.records.set(name, record);
      } catch (e) {
        onProblem(`skipping stored function '${name}': ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return [...this.records.values()];
  }

  get(name: string): FunctionRecord | undefined {
    return this.records.get(name);
  }

  /** All records, sorted by name (ListFunctions pages over this order). */
  list(): FunctionRecord[] {
    return [...this.records.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  codeDir(record: FunctionRecord): string {
    return path.join(this.root, record.name, record.codeFolder);
  }

  zipPath(record: FunctionRecord): string {
    return path.join(this.root, record.name, `${record.codeFolder}.zip`);
  }

  /**
   * Extracts a zip for `name` into a folder named by the zip's hash (re-uploading the same zip
   * reuses it). Extraction happens in a staging folder that is renamed into place only when
   * complete, so a half-extracted folder is never registered.
   */
  async stageCode(name: string, zip: Buffer): Promise<StagedCode> {
    const digest = createHash('sha256').update(zip).digest();
    const codeFolder = digest.toString('hex').slice(0, 16);
    const functionDir = path.join(this.root, name);
    const finalDir = path.join(functionDir, codeFolder);
    await mkdir(functionDir, { recursive: true });
    if (!(await exists(finalDir))) {
      const staging = path.join(this.root, '.staging', randomUUID());
      await mkdir(path.dirname(staging), { recursive: true });
      try {
        await extractZipSafely(zip, staging);
      } catch (e) {
        if (!this.records.has(name)) await rm(functionDir, { recursive: true, force: true });
        throw e;
      }
      try {
        await rename(staging, finalDir);
      } catch (e) {
        await rm(staging, { recursive: true, force: true });
        if (!(await exists(finalDir))) throw e;
      }
      await writeFile(path.join(functionDir, `${codeFolder}.zip`), zip);
    }
    return { codeFolder, codeSha256: digest.toString('base64'), codeSize: zip.length };
  }

  /** Writes the record atomically (temporary file, then rename). */
  async save(record: FunctionRecord): Promise<void> {
    const dir = path.join(this.root, record.name);
    await mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.metadata-${randomUUID()}.json`);
    await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`);
    await rename(temp, path.join(dir, 'metadata.json'));
    this.records.set(record.name, record);
  }

  /** Removes code folders and zips other than the record's current one and those in `kept` (published versions'). */
  async pruneCode(record: FunctionRecord, kept: ReadonlySet<string> = new Set()): Promise<void> {
    const dir = path.join(this.root, record.name);
    for (const entry of await readdir(dir)) {
      if (entry === 'metadata.json' || entry === record.codeFolder || entry === `${record.codeFolder}.zip`) continue;
      if (kept.has(entry.replace(/\.zip$/, ''))) continue;
      if (/^[0-9a-f]{16}(\.zip)?$/.test(entry)) await rm(path.join(dir, entry), { recursive: true, force: true });
    }
  }

  /** Removes a staged code folder that never became current (a create that failed later). */
  async discardCode(name: string, codeFolder: string): Promise<void> {
    const current = this.records.get(name);
    if (current?.codeFolder === codeFolder) return;
    const dir = path.join(this.root, name);
    await rm(path.join(dir, codeFolder), { recursive: true, force: true });
    await rm(path.join(dir, `${codeFolder}.zip`), { force: true });
    if (current === undefined) await rm(dir, { recursive: true, force: true });
  }

  async remove(name: string): Promise<void> {
    this.records.delete(name);
    await rm(path.join(this.root, name), { recursive: true, force: true });
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

function parseRecord(value: unknown): FunctionRecord | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  const strings = ['name', 'handler', 'role', 'description', 'codeSha256', 'codeFolder', 'lastModified', 'revisionId', 'tracingMode', 'logFormat'];
  if (!strings.every((k) => typeof r[k] === 'string')) return undefined;
  if (!isFunctionRuntimeName(r.runtime)) return undefined;
  if (typeof r.timeout !== 'number' || typeof r.memorySize !== 'number' || typeof r.codeSize !== 'number') return undefined;
  if (typeof r.ephemeralStorageSize !== 'number' || !Array.isArray(r.architectures)) return undefined;
  if (!/^[0-9a-f]{16}$/.test(r.codeFolder as string)) return undefined;
  return value as FunctionRecord;
}
