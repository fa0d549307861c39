/**
 * Runs a command and prints its output only when it fails (then exits with its status).
 *
 *   ts-node build-tools/run-quietly.ts cdk synth --quiet ...
 *
 * For the steps of the test task whose output on success is noise (the aws-cdk CLI's synth prints
 * where it wrote the assembly and how many feature flags are unset).
 */
import { spawnSync } from 'child_process';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: run-quietly <command> [args...]');
  process.exit(2);
}
const result = spawnSync(command, args, { encoding: 'utf8', shell: false, maxBuffer: 64 * 1024 * 1024 });
if (result.error || result.status !== 0) {
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  console.error(`${[command, ...args].join(' ')} failed: ${result.error?.message ?? `exit ${result.status ?? result.signal}`}`);
  process.exit(result.status || 1);
}
