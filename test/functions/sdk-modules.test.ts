import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sdkInstallDir, sdkPackageCopies } from '../../src/functions/sdk-modules.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('the AWS SDK copied for a worker user that cannot read the installation', () => {
  it('holds the two scopes and what they depend on, enough to load every installed client from the copy alone', () => {
    const installDir = sdkInstallDir();
    expect(installDir).toBeDefined();
    const copies = sdkPackageCopies(installDir!);
    const names = copies.map((c) => c.to.replace(/^node_modules\//, ''));
    expect(names).toEqual(expect.arrayContaining(['@aws-sdk/client-sqs', '@aws-sdk/client-s3', '@smithy/core', 'tslib']));
    expect(names.some((n) => n === 'fastify' || n === 'pg')).toBe(false);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-sdk-copy-'));
    dirs.push(root);
    for (const c of copies) fs.cpSync(c.from, path.join(root, c.to), { recursive: true, verbatimSymlinks: true });
    // Under the temp dir nothing else resolves: every module the clients load comes from the copy.
    const script = `
      for (const c of fs.readdirSync(path.join(process.env.NODE_PATH, '@aws-sdk')).filter((n) => n.startsWith('client-'))) require('@aws-sdk/' + c);
      const outside = Object.keys(require.cache).filter((f) => !f.startsWith(process.env.NODE_PATH));
      process.stdout.write(JSON.stringify(outside));`;
    const out = execFileSync(process.execPath, ['-e', `const fs = require('fs'), path = require('path');${script}`], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(root, 'node_modules') },
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual([]);
  });
});
