/**
 * Map states: the item source (ItemsPath / Items / ItemReader), the processor (ItemProcessor or
 * the older Iterator; its states are validated as their own scope by machine.ts), concurrency and
 * tolerated failures (each a value or a `…Path`), ItemBatcher, ResultWriter and Label.
 */
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import type { StateContext } from './context.js';
import { checkJsonataExpression, checkJsonataValue, checkPayloadTemplate, checkReferencePathField, isJsonataText } from './expressions.js';
import { wrongLanguageMessage } from './fields.js';
import { CODES, field, type Report } from './report.js';
import { checkEnum, checkInteger, checkNotBoth, checkNumber, checkObject, checkString, get, has, type Range } from './values.js';

export const MAX_LABEL_LENGTH = 40;

/** AWS's naming rule for Map Labels (the same as for execution names). */
const LABEL_FORBIDDEN = new Set([' ', '<', '>', '{', '}', '[', ']', '?', '*', '"', '#', '%', '\\', '^', '|', '~', '`', '$', '&', ',', ';', ':', '/']);

function isLabelForbidden(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return LABEL_FORBIDDEN.has(ch) || /\s/u.test(ch) || code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

/**
 * The character as Python's repr() writes it: AWS's message for a bad Label comes from a Python
 * ValueError (`Label contains invalid character: '\x98'`).
 */
export function pythonCharRepr(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (ch === '\\') return "'\\\\'";
  if (ch === '\n') return "'\\n'";
  if (ch === '\r') return "'\\r'";
  if (ch === '\t') return "'\\t'";
  if (ch === "'") return `"'"`;
  if (code < 0x20 || (code >= 0x7f && code <= 0xa0) || code === 0xad) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  return `'${ch}'`;
}

export function checkMap(ctx: StateContext): void {
  const { report, state, path, ql } = ctx;
  const hasProcessor = has(state, 'ItemProcessor');
  const hasIterator = has(state, 'Iterator');
  if (!hasProcessor && !hasIterator) report.schemaError(path, 'These fields are required: [ItemProcessor]');
  else if (hasProcessor && hasIterator) report.schemaError(path, "Only one of 'ItemProcessor' and 'Iterator' can be specified");

  if (ql === 'JSONPath') {
    if (has(state, 'ItemsPath')) checkReferencePathField(report, get(state, 'ItemsPath'), field(path, 'ItemsPath'), 'ItemsPath');
    if (has(state, 'ItemSelector') && has(state, 'Parameters')) report.schemaError(field(path, 'Parameters'), "Only one of 'ItemSelector' and 'Parameters' can be specified");
  } else if (has(state, 'Items')) {
    const items = get(state, 'Items');
    if (isJsonataText(items)) checkJsonataExpression(report, items, field(path, 'Items'));
    else if (Array.isArray(items)) checkJsonataValue(report, items, field(path, 'Items'));
    else report.schemaError(field(path, 'Items'), 'Expected value of type [ARRAY]');
  }

  checkCount(ctx, state, path, 'MaxConcurrency', { min: 0 }, true);
  checkCount(ctx, state, path, 'ToleratedFailureCount', { min: 0 }, true);
  checkCount(ctx, state, path, 'ToleratedFailurePercentage', { min: 0, max: 100 }, false);

  if (has(state, 'Label')) checkLabel(ctx, get(state, 'Label'));
  if (has(state, 'ItemReader')) checkItemReader(ctx, get(state, 'ItemReader'), field(path, 'ItemReader'));
  if (has(state, 'ItemBatcher')) checkItemBatcher(ctx, get(state, 'ItemBatcher'), field(path, 'ItemBatcher'));
  if (has(state, 'ResultWriter')) checkResultWriter(ctx, get(state, 'ResultWriter'), field(path, 'ResultWriter'));
}

/** A number field with a `…Path` twin: the value (or in JSONata a `{% … %}` expression) or the path, not both. */
function checkCount(ctx: StateContext, obj: JsonObject, at: string, name: string, range: Range, integer: boolean): void {
  const { report, ql } = ctx;
  const pathName = `${name}Path`;
  if (!checkNotBoth(report, obj, at, name, pathName)) return;
  if (has(obj, pathName) && ql === 'JSONPath') checkReferencePathField(report, get(obj, pathName), field(at, pathName), pathName);
  if (!has(obj, name)) return;
  const value = get(obj, name);
  if (ql === 'JSONata' && isJsonataText(value)) checkJsonataExpression(report, value, field(at, name));
  else if (integer) checkInteger(report, value, field(at, name), range);
  else checkNumber(report, value, field(at, name), range);
}

/** A bad Label is a schema error at the Label on AWS (LocalStack's recordings hold its own Python ValueError text instead). */
function checkLabel(ctx: StateContext, label: Json | undefined): void {
  const at = field(ctx.path, 'Label');
  if (!checkString(ctx.report, label, at)) return;
  if (label === '') {
    ctx.report.schemaError(at, 'Label cannot be empty');
    return;
  }
  if ([...label].length > MAX_LABEL_LENGTH) {
    ctx.report.schemaError(at, `Label cannot exceed ${MAX_LABEL_LENGTH} characters`);
    return;
  }
  const bad = [...label].find(isLabelForbidden);
  if (bad !== undefined) {
    ctx.report.schemaError(at, `Label contains invalid character: ${pythonCharRepr(bad)}`);
    return;
  }
  if (ctx.labels.has(label)) ctx.report.error(CODES.duplicateLabelName, at, `Duplicate Label: ${label}`);
  ctx.labels.add(label);
}

const READER_INPUT_TYPES = ['CSV', 'JSON', 'JSONL', 'MANIFEST', 'PARQUET'];

function checkItemReader(ctx: StateContext, reader: Json | undefined, at: string): void {
  const { report } = ctx;
  if (!checkObject(report, reader, at)) return;
  if (!has(reader, 'Resource')) report.schemaError(at, 'These fields are required: [Resource]');
  else checkIntegrationResource(report, get(reader, 'Resource'), field(at, 'Resource'));
  checkIntegrationArguments(ctx, reader, at);
  if (has(reader, 'ReaderConfig')) {
    const config = get(reader, 'ReaderConfig');
    const cat = field(at, 'ReaderConfig');
    if (checkObject(report, config, cat)) {
      if (has(config, 'InputType')) checkEnum(report, get(config, 'InputType'), field(cat, 'InputType'), READER_INPUT_TYPES);
      if (has(config, 'CSVHeaderLocation')) checkEnum(report, get(config, 'CSVHeaderLocation'), field(cat, 'CSVHeaderLocation'), ['FIRST_ROW', 'GIVEN']);
      checkCount(ctx, config, cat, 'MaxItems', { min: 0 }, true);
    }
  }
}

function checkItemBatcher(ctx: StateContext, batcher: Json | undefined, at: string): void {
  const { report } = ctx;
  if (!checkObject(report, batcher, at)) return;
  checkCount(ctx, batcher, at, 'MaxItemsPerBatch', { min: 1 }, true);
  checkCount(ctx, batcher, at, 'MaxInputBytesPerBatch', { min: 1 }, true);
  if (has(batcher, 'BatchInput')) {
    const input = get(batcher, 'BatchInput');
    if (ctx.ql === 'JSONPath') checkPayloadTemplate(report, input, field(at, 'BatchInput'));
    else checkJsonataValue(report, input, field(at, 'BatchInput'));
  }
}

function checkResultWriter(ctx: StateContext, writer: Json | undefined, at: string): void {
  const { report } = ctx;
  if (!checkObject(report, writer, at)) return;
  if (!has(writer, 'Resource') && !has(writer, 'WriterConfig')) report.schemaError(at, 'These fields are required: [Resource]');
  if (has(writer, 'Resource')) checkIntegrationResource(report, get(writer, 'Resource'), field(at, 'Resource'));
  checkIntegrationArguments(ctx, writer, at);
}

function checkIntegrationResource(report: Report, resource: Json | undefined, at: string): void {
  if (!checkString(report, resource, at)) return;
  if (!resource.startsWith('arn:')) report.schemaError(at, 'Value is not a valid resource ARN');
}

/** ItemReader/ResultWriter take Parameters in JSONPath and Arguments in JSONata. */
function checkIntegrationArguments(ctx: StateContext, obj: JsonObject, at: string): void {
  const { report, ql } = ctx;
  if (ql === 'JSONPath') {
    if (has(obj, 'Arguments')) report.schemaError(field(at, 'Arguments'), wrongLanguageMessage('Arguments', ql));
    if (has(obj, 'Parameters')) checkPayloadTemplate(report, get(obj, 'Parameters'), field(at, 'Parameters'));
  } else {
    if (has(obj, 'Parameters')) report.schemaError(field(at, 'Parameters'), wrongLanguageMessage('Parameters', ql));
    if (has(obj, 'Arguments')) {
      const args = get(obj, 'Arguments');
      if (!isJsonObject(args) && !isJsonataText(args)) report.schemaError(field(at, 'Arguments'), 'Expected value of type [OBJECT]');
      else checkJsonataValue(report, args, field(at, 'Arguments'));
    }
  }
}
