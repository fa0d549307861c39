/** The package's bin (`lib/audit/cli.js`): `npx cdk-ecr-shared-layers audit ...`. */

// The bundled AWS SDK prints an 8-line Node version notice on stderr under Node < 22; a CLI's
// stderr is for its own messages. The SDK's own switch, set before any client loads (the
// require below, not a hoisted import). A user who sets the variable keeps their value.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runCli } = require('./cli') as typeof import('./cli');

void runCli(process.argv.slice(2), process).then((code) => {
  process.exitCode = code;
});
