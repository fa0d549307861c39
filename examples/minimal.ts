/**
 * The smallest useful app: AES256 (the default), blob mounting on (the default), one repository.
 *
 * npx cdk synth --app "npx ts-node --project tsconfig.dev.json examples/minimal.ts"
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SharedLayerRegistry } from '../src';

const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

const stack = new Stack(app, 'MinimalRegistry', { env: { account: '111111111111', region: 'us-east-1' } });
new SharedLayerRegistry(stack, 'Registry').addRepository('App', { repositoryName: 'app' });

app.synth();
