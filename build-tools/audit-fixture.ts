/**
 * `npx projen audit:fixture [-- audit flags]`: starts moto on a free loopback port, loads the
 * deterministic fixture registry (test/audit/fixture.ts: 20 services on 3 base images, two islands),
 * runs the bundled bin on it and prints the report. The README's "Measure your savings" shows it.
 */
import { spawnSync } from 'child_process';
import { join } from 'path';
import { ECRClient } from '@aws-sdk/client-ecr';
import { buildFixture, loadFixture } from '../test/audit/fixture';
import { motoUnavailable, startMoto } from '../test/support/moto';

async function main() {
  const unavailable = motoUnavailable();
  if (unavailable) {
    console.error(`audit:fixture: ${unavailable}`);
    process.exit(1);
  }
  const moto = await startMoto();
  try {
    const region = 'eu-west-1';
    const credentials = { accessKeyId: 'fixture', secretAccessKey: 'fixture' };
    const client = new ECRClient({ region, endpoint: moto.endpoint, credentials });
    await loadFixture(client, buildFixture());
    client.destroy();
    const result = spawnSync(process.execPath, [join(__dirname, '..', 'lib', 'audit', 'cli.js'), 'audit', '--region', region,
      '--endpoint-url', moto.endpoint, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'fixture', AWS_SECRET_ACCESS_KEY: 'fixture', AWS_MAX_ATTEMPTS: '1' },
    });
    process.exitCode = result.status ?? 1;
  } finally {
    await moto.stop();
  }
}

void main();
