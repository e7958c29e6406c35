import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { resolveAwsConfig, type AwsConfig } from '../integrations/aws/config.js';

/** `--aws-endpoint SERVICE=URL` (repeatable), shared by server, dev, run and worker. */
export function addAwsEndpointOption(program: Command): Command {
  return program.option(
    '--aws-endpoint <service=url>',
    'where calls to an AWS service go, e.g. sns=http://127.0.0.1:4566 or *=URL for all (repeatable; or STEPWRIGHT_AWS_ENDPOINTS, or the project\'s aws.json); see docs/integrations.md',
    (v: string, all: string[]) => [...all, v],
    [] as string[],
  );
}

/** Whether the standard AWS environment holds credentials the SDK's chain would find. */
function hasStandardCredentials(env: NodeJS.ProcessEnv): boolean {
  if ((env.AWS_ACCESS_KEY_ID ?? '') !== '' || (env.AWS_PROFILE ?? '') !== '' || (env.AWS_WEB_IDENTITY_TOKEN_FILE ?? '') !== '') return true;
  if ((env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ?? '') !== '' || (env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? '') !== '') return true;
  const home = os.homedir();
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, '.aws', 'credentials');
  const configFile = env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config');
  return fs.existsSync(credentialsFile) || fs.existsSync(configFile);
}

/** The AWS configuration of a command: the project's aws.json < STEPWRIGHT_AWS_ENDPOINTS < the flags. Throws naming a mistake. */
export function awsConfigOption(flags: readonly string[] | undefined, project: string | undefined, env: NodeJS.ProcessEnv = process.env): AwsConfig {
  return resolveAwsConfig({
    ...(project !== undefined ? { file: path.join(project, 'aws.json') } : {}),
    env: env.STEPWRIGHT_AWS_ENDPOINTS,
    flags: flags ?? [],
    standardCredentials: hasStandardCredentials(env),
  });
}
