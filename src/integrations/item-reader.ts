/**
 * A distributed Map's ItemReader: reads the items from an S3 object (`s3:getObject` with
 * ReaderConfig InputType JSON, JSONL, CSV or MANIFEST) or an S3 listing (`s3:listObjectsV2`), and
 * from a local folder for local runs (a Bucket written `file://dir`, `./dir` or `/dir`, under the
 * project). Every object access goes through `ObjectStore`, the one interface the composition
 * fills with S3 or a folder.
 */
import { gunzipSync } from 'node:zlib';
import type { ItemReaderRequest, TaskRequest } from '../engine/types.js';
import type { Json } from '../language/json.js';
import type { ResourceArn } from '../language/resource-arn.js';
import type { Integration, TaskInvocation, TaskResult } from './contract.js';
import { CSV_DELIMITERS, csvObjects, parseCsv } from './csv.js';

/** One object of a listing, as S3's ListObjectsV2 describes it. */
export interface ObjectSummary {
  readonly key: string;
  readonly etag?: string;
  readonly lastModified?: Date;
  readonly size?: number;
  readonly storageClass?: string;
}

/** What reading items and writing results need of S3 (or of a folder standing in for a bucket). */
export interface ObjectStore {
  getObject(bucket: string, key: string): Promise<Buffer>;
  /** Every object under `prefix`, in key order, across pages. */
  listObjects(bucket: string, prefix?: string): Promise<ObjectSummary[]>;
  putObject(bucket: string, key: string, body: string): Promise<void>;
}

/** A read that cannot give items: the Map Run fails with States.ItemReaderFailed and this cause. */
export class ItemReaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'States.ItemReaderFailed';
  }
}

/**
 * The largest object the reader takes in. The items read are kept with the execution (its
 * snapshot holds every iteration's input), so an object far past this would stall the store; AWS
 * streams larger files, which Stepwright does not yet.
 */
export const MAX_READ_BYTES = 64 * 1024 * 1024;

/** AWS's most items one Map Run reads (ReaderConfig MaxItems is capped there). */
export const MAX_READER_ITEMS = 100_000_000;

/** The ItemReader requests of the engine, on `objects`; put it first in the router's list. */
export function createItemReaderIntegration(objects: ObjectStore): Integration {
  return {
    serves: (_arn: ResourceArn, request?: TaskRequest) => request?.itemReader !== undefined,
    async invoke(invocation: TaskInvocation): Promise<TaskResult> {
      try {
        return { ok: true, output: await readItems(objects, invocation) };
      } catch (e) {
        if (e instanceof ItemReaderError) return { ok: false, error: 'States.ItemReaderFailed', cause: e.message };
        return { ok: false, error: 'States.ItemReaderFailed', cause: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}

async function readItems(objects: ObjectStore, invocation: TaskInvocation): Promise<Json[]> {
  const reader = invocation.itemReader!;
  const params = isObject(invocation.parameters) ? invocation.parameters : {};
  const bucket = stringParam(params, 'Bucket');
  const arn = invocation.arn;
  const action = arn.kind === 'service' && arn.service === 's3' ? arn.action : undefined;
  const limit = reader.maxItems !== undefined && reader.maxItems > 0 ? Math.min(reader.maxItems, MAX_READER_ITEMS) : MAX_READER_ITEMS;
  if (action === 'listObjectsV2') {
    const prefix = typeof params.Prefix === 'string' ? params.Prefix : undefined;
    const listed = await objects.listObjects(bucket, prefix);
    return listed.slice(0, limit).map(listingItem);
  }
  if (action !== 'getObject') throw new ItemReaderError(`The ItemReader resource '${invocation.resource}' is not supported: use arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2.`);
  const key = stringParam(params, 'Key');
  const body = await objects.getObject(bucket, key);
  return parseItems(objects, bucket, body, reader, limit);
}

/** The items of one object's content, by ReaderConfig InputType. */
export async function parseItems(objects: ObjectStore, bucket: string, body: Buffer, reader: ItemReaderRequest, limit: number): Promise<Json[]> {
  const config = reader.readerConfig;
  const inputType = typeof config.InputType === 'string' ? config.InputType : 'JSON';
  switch (inputType) {
    case 'JSON': {
      const parsed = parseJson(body.toString('utf8'));
      if (!Array.isArray(parsed)) throw new ItemReaderError('Attempting to map over non-iterable node.');
      return parsed.slice(0, limit);
    }
    case 'JSONL':
      return jsonLines(body.toString('utf8'), limit);
    case 'CSV':
      return csvItems(body.toString('utf8'), config, limit);
    case 'MANIFEST':
      return manifestItems(objects, bucket, body, limit);
    default:
      throw new ItemReaderError(`ReaderConfig InputType ${inputType} is not supported here.`);
  }
}

function jsonLines(text: string, limit: number): Json[] {
  const items: Json[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (items.length >= limit) break;
    if (line.trim() === '') continue;
    items.push(parseJson(line));
  }
  return items;
}

function csvItems(text: string, config: ItemReaderRequest['readerConfig'], limit: number): Json[] {
  const delimiterName = typeof config.CSVDelimiter === 'string' ? config.CSVDelimiter : 'COMMA';
  const delimiter = CSV_DELIMITERS.get(delimiterName);
  if (delimiter === undefined) throw new ItemReaderError(`CSVDelimiter ${delimiterName} is not one of ${[...CSV_DELIMITERS.keys()].join(', ')}.`);
  const rows = parseCsv(text, delimiter);
  const given = config.CSVHeaderLocation === 'GIVEN';
  const headers = given ? (Array.isArray(config.CSVHeaders) ? config.CSVHeaders.map(String) : []) : (rows.shift() ?? []);
  if (new Set(headers).size !== headers.length) throw new ItemReaderError('CSV headers cannot contain duplicates.');
  return csvObjects(rows.slice(0, limit), headers);
}

/**
 * An S3 Inventory manifest (manifest.json): its `files` are gzipped CSV lists of objects in the
 * Bucket the reader names, with the columns of `fileSchema`; each row is an item.
 */
async function manifestItems(objects: ObjectStore, bucket: string, body: Buffer, limit: number): Promise<Json[]> {
  const manifest = parseJson(body.toString('utf8'));
  if (!isObject(manifest) || !Array.isArray(manifest.files)) throw new ItemReaderError('The manifest has no files list.');
  const schema = typeof manifest.fileSchema === 'string' ? manifest.fileSchema.split(',').map((s) => s.trim()) : ['Bucket', 'Key'];
  const items: Json[] = [];
  for (const file of manifest.files) {
    if (items.length >= limit) break;
    if (!isObject(file) || typeof file.key !== 'string') continue;
    const raw = await objects.getObject(bucket, file.key);
    const text = file.key.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    items.push(...csvObjects(parseCsv(text), schema).slice(0, limit - items.length));
  }
  return items;
}

/** An S3 listing's item, shaped as AWS hands it to an iteration (LastModified in epoch seconds). */
function listingItem(o: ObjectSummary): Json {
  const item: { [k: string]: Json } = { Key: o.key };
  if (o.etag !== undefined) item.Etag = o.etag;
  if (o.lastModified !== undefined) item.LastModified = Math.floor(o.lastModified.getTime() / 1000);
  if (o.size !== undefined) item.Size = o.size;
  if (o.storageClass !== undefined) item.StorageClass = o.storageClass;
  return item;
}

function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new ItemReaderError('The object is not valid JSON.');
  }
}

function stringParam(params: { readonly [k: string]: Json }, name: string): string {
  const v = params[name];
  if (typeof v !== 'string' || v === '') throw new ItemReaderError(`The ItemReader's ${name} parameter must be a non-empty string.`);
  return v;
}

const isObject = (v: Json | undefined): v is { readonly [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);
