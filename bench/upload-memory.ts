/**
 * Peak memory of the server while 8 clients upload a 48 MB zip each at once (CreateFunction bodies
 * of about 65 MB, the case: 1.9 GB RSS before the server had a body budget). The server
 * runs in its own process; its peak RSS is the kernel's high-water mark (VmHWM), read when the
 * uploads are done. Run: `tsx bench/upload-memory.ts [clients] [--budget-mb N]`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { buildZip } from '../test/api/lambda/zip-writer.js';

const clients = Number(process.argv[2] ?? 8);
const root = path.resolve(import.meta.dirname, '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-bench-upload-'));
const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/stepwright-bin.ts', 'server', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
let banner = '';
const url = await new Promise<string>((resolve, reject) => {
  child.stdout.on('data', (b: Buffer) => {
    banner += b.toString();
    const m = /listening on (http:\/\/\S+)/.exec(banner);
    if (m) resolve(m[1]);
  });
  child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
});

const peakRssMb = (): number => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

// One incompressible zip, base64 once; each body is prefix + the shared base64 + suffix.
const zip = buildZip([{ name: 'index.js', content: 'exports.handler = async () => 1;' }, { name: 'blob.bin', content: randomBytes(48 * 1024 * 1024) }]);
const base64 = Buffer.from(zip.toString('base64'));

function upload(i: number): Promise<number> {
  const prefix = Buffer.from(`{"FunctionName":"big-${i}","Runtime":"nodejs20.x","Handler":"index.handler","Role":"arn:aws:iam::123456789012:role/r","Code":{"ZipFile":"`);
  const suffix = Buffer.from('"}}');
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, method: 'POST', path: '/2015-03-31/functions', headers: { 'content-type': 'application/json', 'content-length': String(prefix.length + base64.length + suffix.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.write(prefix);
    req.write(base64);
    req.end(suffix);
  });
}

const idleMb = peakRssMb();
const started = performance.now();
const statuses = await Promise.all(Array.from({ length: clients }, (_, i) => upload(i)));
const seconds = (performance.now() - started) / 1000;
const peakMb = peakRssMb();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
fs.rmSync(dataDir, { recursive: true, force: true });

console.log(`\nupload memory: ${clients} concurrent CreateFunction uploads of ${((base64.length + 200) / 1024 / 1024).toFixed(1)} MB`);
console.log(`  statuses        ${statuses.join(' ')}`);
console.log(`  server peak RSS ${peakMb.toFixed(0)} MB (idle ${idleMb.toFixed(0)} MB)`);
console.log(`  wall time       ${seconds.toFixed(1)} s`);
