import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mirroredSdkModules, sdkInstallDir, sdkPackageCopies } from '../../src/functions/sdk-modules.js';

/** Debian's `nobody`: the user function workers run as when the server is root. */
const NOBODY = 65534;

describe('the AWS SDK mirrored for a worker user that cannot read the installation', () => {
  it('holds the two scopes and what they depend on, and nothing else of Stepwright', () => {
    const names = sdkPackageCopies(sdkInstallDir()!).map((c) => c.to);
    expect(names).toEqual(expect.arrayContaining(['@aws-sdk/client-sqs', '@aws-sdk/client-s3', '@smithy/core', 'tslib']));
    expect(names.some((n) => n === 'fastify' || n === 'pg' || n === 'jsonata')).toBe(false);
  });

  it('loads every installed client from the mirror alone, as the worker user', () => {
    const dir = mirroredSdkModules(sdkInstallDir()!);
    expect(fs.existsSync(path.join(dir, '@aws-sdk', 'client-sqs', 'package.json'))).toBe(true);
    // From the temp dir nothing else resolves: every module the clients load comes from the mirror.
    const script = `const fs = require('fs'), path = require('path');
      for (const c of fs.readdirSync(path.join(process.env.NODE_PATH, '@aws-sdk')).filter((n) => n.startsWith('client-'))) require('@aws-sdk/' + c);
      process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((f) => !f.startsWith(process.env.NODE_PATH))));`;
    const asNobody = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
    const out = execFileSync(process.execPath, ['-e', script], { cwd: path.dirname(dir), env: { PATH: process.env.PATH ?? '', NODE_PATH: dir }, encoding: 'utf8', ...asNobody });
    expect(JSON.parse(out)).toEqual([]);
  });
});
