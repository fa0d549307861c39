/**
 * What the integration apps (test/*.integ.ts) share: their snapshots are committed and compared
 * with a fresh synthesis by the test task, so they must not depend on the machine or the time.
 */
import { App, Aspects, CfnResource, IAspect } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The assertions of @aws-cdk/integ-tests-alpha carry a `salt` of Date.now() so that they run on every
 * deploy; the committed snapshot needs a stable template, so the salt is fixed (the assertions
 * still run on the first deploy of a stack).
 */
class FixedAssertionSalt implements IAspect {
  public visit(node: IConstruct): void {
    if (node instanceof CfnResource && node.cfnResourceType.startsWith('Custom::DeployAssert')) {
      node.addPropertyOverride('salt', 'snapshot');
    }
  }
}

/** An app for an integration test: no stack traces (machine paths) in metadata, stable assertion salts. */
export function integApp(context: Record<string, unknown> = {}): App {
  const app = new App({
    context: {
      'aws:cdk:disable-creation-stack-traces': true,
      'aws:cdk:disable-stack-trace': true,
      ...context,
    },
  });
  Aspects.of(app).add(new FixedAssertionSalt());
  return app;
}
