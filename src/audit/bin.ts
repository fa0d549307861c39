/** The package's bin (`lib/audit/cli.js`): `npx cdk-ecr-shared-layers audit ...`. */
import { runCli } from './cli';

void runCli(process.argv.slice(2), process).then((code) => {
  process.exitCode = code;
});
