import fs from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startStepwrightServer, type StepwrightServer, type StepwrightServerOptions } from '../../../src/app/server.js';

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

/** One HTTP request with exactly these headers (fetch would not let a test set Host, Origin or Sec-Fetch-*). */
export function send(url: string, method: string, pathname: string, headers: Record<string, string>, body?: string | Buffer): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, method, path: pathname, headers: { ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A whole server (both APIs, the console) on a free port in a fresh data dir. */
export async function startEdgeServer(options: StepwrightServerOptions = {}): Promise<{ server: StepwrightServer; close: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-edge-'));
  const server = await startStepwrightServer({ port: 0, dataDir, logLevel: false, ...options });
  return {
    server,
    close: async () => {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The headers Chromium sends with a no-cors `fetch` POST from a page on another site. */
export const CROSS_SITE = { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' } as const;
