/*
 * Runs inline handler code the way the AWS Lambda Node.js runtime does, in its own process:
 * `index.js` (CommonJS) is required from the task directory, `handler(event, context)` is awaited
 * with a real `getRemainingTimeInMillis`, and the process is killed at the function's timeout.
 * Modules resolve through NODE_PATH, as the runtime's own AWS SDK does.
 *
 * Usage: node lambda-bootstrap.js <taskDir> <timeoutMs>, with the event as JSON in LAMBDA_EVENT.
 * Prints "@@START <epoch ms>", then "@@RETURNED <epoch ms>" or "@@KILLED <epoch ms>" or "@@ERROR ...".
 */
const Module = require('module');
const path = require('path');

const [taskDir, timeoutArg] = process.argv.slice(2);
const timeoutMs = Number(timeoutArg);
const started = Date.now();
const deadline = started + timeoutMs;
process.stdout.write(`@@START ${started}\n`);

// Lambda ends the invocation at the timeout, whatever the handler is doing.
setTimeout(() => {
  process.stdout.write(`\n@@KILLED ${Date.now()}\n`);
  process.exit(137);
}, timeoutMs).unref();

// In Lambda, /var/task has no node_modules folder above it: index.js finds the runtime's SDK through
// NODE_PATH only. The task directory here may sit inside a project; the modules under it get no
// node_modules search path of their own, as in Lambda.
const nodeModulePaths = Module._nodeModulePaths;
Module._nodeModulePaths = (from) => (path.resolve(from).startsWith(path.resolve(taskDir)) ? [] : nodeModulePaths(from));

const context = {
  functionName: 'EcrAccountSettingProvider',
  awsRequestId: '00000000-0000-0000-0000-000000000000',
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};

(async () => {
  const event = JSON.parse(process.env.LAMBDA_EVENT);
  const { handler } = require(path.join(taskDir, 'index.js'));
  await handler(event, context);
  process.stdout.write(`\n@@RETURNED ${Date.now()}\n`);
  // Lambda freezes the environment once the handler returns: nothing left running goes on.
  process.exit(0);
})().catch((e) => {
  process.stdout.write(`\n@@ERROR ${e && e.stack ? e.stack.split('\n')[0] : String(e)}\n`);
  process.exit(1);
});
