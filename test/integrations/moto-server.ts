/** Starts moto_server (AWS service emulator) on a free loopback port for a test file, and stops it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

const MOTO = ['/root/.pyenv/shims/moto_server', '/usr/local/bin/moto_server'].find((p) => existsSync(p)) ?? 'moto_server';

export interface MotoServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export const motoCredentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(MOTO, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Up to 30 s for the emulator to answer (it imports its services on start).
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    try {
      await fetch(`${endpoint}/moto-api/`);
      return {
        endpoint,
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error('moto_server did not start');
}
