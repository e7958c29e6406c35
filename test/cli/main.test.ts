import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDev } from '../../src/cli/commands/dev.js';
import { runFunctions } from '../../src/cli/commands/functions.js';
import { runServer } from '../../src/cli/commands/server.js';
import { main } from '../../src/cli/main.js';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const capture = (): { io: { out: (t: string) => void; err: (t: string) => void }; text: () => string } => {
  let text = '';
  return { io: { out: (t) => (text += t), err: (t) => (text += t) }, text: () => text };
};

describe('stepwright CLI manners', () => {
  it('--help prints the commands on stdout and exits 0, as the real process does', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await cli([flag]);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toMatch(/^usage: stepwright <command>/);
      for (const command of ['run', 'validate', 'server', 'dev', 'functions serve']) expect(r.out).toContain(`\n  ${command} `);
    }
    const bin = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/e2e/stepwright-bin.ts', '--help']);
    expect(bin.stdout).toMatch(/^usage: stepwright <command>/);
    expect(bin.stderr).not.toContain('usage');
  });

  it("a command's --help prints its options on stdout and exits 0", async () => {
    for (const command of ['run', 'validate', 'server', 'dev']) {
      const r = await cli([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.out).toContain(`Usage: stepwright ${command}`);
      expect(r.err).toBe('');
    }
    expect((await cli(['functions', '--help'])).code).toBe(0);
  });

  it("--version prints package.json's version", async () => {
    const { version } = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
    expect(await cli(['--version'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
    expect((await cli(['-V'])).out).toBe(`${version}\n`);
  });

  it('an unknown command exits 2 with a hint', async () => {
    expect(await cli(['srever'])).toEqual({ code: 2, out: '', err: "stepwright: unknown command 'srever'. Did you mean 'server'? Run 'stepwright --help' for the commands.\n" });
    expect((await cli(['frobnicate'])).err).toBe("stepwright: unknown command 'frobnicate'. Run 'stepwright --help' for the commands.\n");
    expect((await cli(['toString'])).code).toBe(2);
  });

  it('server --serve-only without a postgres:// database exits 2 and says why', async () => {
    for (const args of [['server', '--serve-only'], ['server', '--serve-only', '--database', 'mysql://h/db']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain('--serve-only needs --database postgres://');
    }
  });

  describe('a port in use', () => {
    let busy: Server;
    let port: number;
    beforeAll(async () => {
      busy = createServer();
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      port = (busy.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

    it('is named with how to choose another, by server, dev and functions serve', async () => {
      const expected = `port ${port} is already in use (another Stepwright, or another program, listens there); choose another with --port N, or --port 0 for a free one\n`;
      const data = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-port-'));
      for (const [name, start] of [
        ['server', (io: ReturnType<typeof capture>['io']) => runServer(['--port', String(port), '--data-dir', data, '--log-level', 'silent'], { io })],
        ['dev', (io: ReturnType<typeof capture>['io']) => runDev([data, '--port', String(port), '--log-level', 'silent'], { io })],
        ['functions serve', (io: ReturnType<typeof capture>['io']) => runFunctions(['serve', '--port', String(port), '--data-dir', data], { io })],
      ] as const) {
        const c = capture();
        expect(await start(c.io), name).toBe(1);
        expect(c.text()).toBe(`stepwright ${name}: ${expected}`);
      }
      fs.rmSync(data, { recursive: true, force: true });
    });
  });
});
