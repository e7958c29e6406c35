import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createServerLogger, parseLogFormat } from '../../src/cli/logging.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString('utf8')));
  return { stream, text: () => text };
}

describe('the server log format', () => {
  it('is pretty on a terminal and JSON when piped, unless --log-format says which', () => {
    expect(parseLogFormat(undefined, true)).toBe('pretty');
    expect(parseLogFormat(undefined, false)).toBe('json');
    expect(parseLogFormat('json', true)).toBe('json');
    expect(parseLogFormat('pretty', false)).toBe('pretty');
    expect(parseLogFormat('xml', true)).toBeUndefined();
  });

  it('writes one human-readable line per entry in the pretty format', () => {
    const out = capture();
    createServerLogger('info', 'pretty', out.stream).info({ url: 'http://127.0.0.1:8083' }, 'stepwright server ready');
    const text = out.text();
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: stepwright server ready\n {4}url: "http:\/\/127\.0\.0\.1:8083"\n$/);
    expect(text).not.toContain('"level"');
  });

  it('writes one JSON document per entry in the json format, below the level nothing', async () => {
    const out = capture();
    const logger = createServerLogger('warn', 'json', out.stream);
    logger.info('not shown');
    logger.warn({ function: 'greet' }, 'degraded');
    await new Promise((r) => setImmediate(r));
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 40, function: 'greet', msg: 'degraded' });
  });
});
