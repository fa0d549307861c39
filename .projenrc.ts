import { awscdk, cdk, javascript, release } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-ecr-shared-layers',
  description:
    'AWS CDK constructs for an Amazon ECR registry whose repositories share image layers (blob mounting): one encryption island, account settings as code, and synthesis-time checks.',
  author: 'cdk-ecr-shared-layers developers',
  authorAddress: 'maintainers@cdk-ecr-shared-layers.dev',
  repositoryUrl: 'https://github.com/cdk-ecr-shared-layers/cdk-ecr-shared-layers.git',
  homepage: 'https://github.com/cdk-ecr-shared-layers/cdk-ecr-shared-layers#readme',
  bugsUrl: 'https://github.com/cdk-ecr-shared-layers/cdk-ecr-shared-layers/issues',
  license: 'Apache-2.0',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'ecr', 'containers', 'blob-mounting', 'layer-sharing', 'kms'],
  stability: 'experimental',

  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  github: false,
  // Versions and the changelog come from conventional commits (feat:, fix:, feat!:), the way projen
  // construct libraries do it. Without GitHub workflows the trigger is manual: `npx projen release`
  // bumps the version from the commits since the last tag, runs the whole build, writes dist/ (the npm
  // tarball, dist/changelog.md, dist/version.txt), prepends the entry to CHANGELOG.md, commits
  // "chore(release): X.Y.Z" and tags vX.Y.Z. It pushes nothing and publishes nothing: that is the
  // pipeline's job (README, Development > Releasing).
  release: true,
  releaseTrigger: release.ReleaseTrigger.manual({ gitPushCommand: '' }),
  // projen's default, commit-and-tag-version 13, requires Node.js 22 (npm ci warns EBADENGINE on 20);
  // 12 supports Node.js 18 and later and takes the same options.
  bumpPackage: 'commit-and-tag-version@^12',

  // The lowest aws-cdk-lib that has everything the library and its tests use. 2.271.0 is the first
  // whose `Validations.of(scope).acknowledge()` applies to the acknowledging construct's subtree only;
  // before it, the library's scoped acknowledgement of a cdk-nag finding in its own provider would
  // silence the same finding everywhere in the user's app. Also needed: `@aws-cdk/core:validateAgainstDefaultRules`
  // (2.262.0), `Validations` (cdk-nag 3: 2.257.0), `TagMutability.IMMUTABLE_WITH_EXCLUSION`,
  // `CfnRepositoryCreationTemplate`, `CustomResource.serviceTimeout`.
  // The tests run against exactly this version (projen pins the dev dependency to it).
  cdkVersion: '2.271.0',
  constructsVersion: '10.5.1',
  cdkCliVersion: '2.1148.1',
  jsiiVersion: '~6.0.0',
  // package.json `engines`: the Node.js versions the library, its tests and its audit CLI run on.
  minNodeVersion: '20.0.0',
  // What users' editors and stack traces see:
  // - no inline source maps in lib/: they pointed stack frames at src/*.ts files the package does not
  //   ship (and were a third of its JavaScript); frames now name the lib/*.js files it ships.
  // - `@internal` members (`_grantMountSources`, ...) are left out of the .d.ts files, so editors do
  //   not offer them. jsii's "strict" tsconfig rule set forbids `stripInternal`; its "minimal" set only
  //   rejects options incompatible with jsii (jsii builds its assembly from the sources, where
  //   @internal members stay invisible to the other languages as before).
  tsconfig: { compilerOptions: { stripInternal: true, inlineSourceMap: false, inlineSources: false } },
  validateTsconfig: cdk.ValidateTsconfig.MINIMAL,

  devDeps: [
    '@aws-sdk/client-ecr@3.1169.0',
    '@aws-sdk/client-cloudformation@3.1169.0',
    // The account-setting handler records the setting's owners in SSM Parameter Store (the Lambda
    // runtime provides the client); the audit reads them.
    '@aws-sdk/client-ssm@3.1169.0',
    // The audit CLI's clients: bundled into lib/audit/ by bundle:audit, never runtime dependencies.
    '@aws-sdk/client-sts@3.1169.0',
    '@aws-sdk/client-organizations@3.1169.0',
    '@aws-sdk/credential-providers@3.1169.0',
    'aws-sdk-client-mock@4.1.0',
    'aws-sdk-client-mock-jest@4.1.0',
    'cdk-nag@3.0.2',
    'esbuild@0.28.2',
    'aws-cdk@2.1148.1',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    // The audit's HTML page is tested in Debian's chromium (build-tools/install-chromium.sh), driven
    // by playwright-core: no browser download.
    'playwright-core@1.65.1',
  ],

  // Python, Java, .NET and Go through jsii, so Construct Hub shows all five languages.
  publishToPypi: {
    distName: 'cdk-ecr-shared-layers',
    module: 'cdk_ecr_shared_layers',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdk_ecr_shared_layers',
    mavenGroupId: 'io.github.cdk-ecr-shared-layers',
    mavenArtifactId: 'cdk-ecr-shared-layers',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkEcrSharedLayers',
    packageId: 'CdkEcrSharedLayers',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-ecr-shared-layers/cdk-ecr-shared-layers-go',
  },

  // The Lambda handler is bundled into an inline string (see bundle:handler); jsii never compiles it.
  // The audit CLI (src/audit/) is bundled with its AWS SDK clients into lib/audit/ (see bundle:audit);
  // it is not part of the construct library's jsii surface.
  excludeTypescript: ['src/**/handler/**', 'src/audit/**'],
  tsconfigDevFile: 'tsconfig.dev.json',
  // The handler is not a projen `*.lambda.ts` (that would be a file asset).
  lambdaAutoDiscover: false,

  jestOptions: {
    passWithNoTests: false,
    // A changed snapshot must fail the run, never be rewritten silently.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // A test run writes nothing to the system temp directory and prints only what helps:
      // see the three files for what each does.
      globalSetup: '<rootDir>/test/support/jest-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/jest-global-teardown.ts',
      setupFilesAfterEnv: ['aws-sdk-client-mock-jest', '<rootDir>/test/support/jest-setup.ts'],
      // jest's transform cache: in the project rather than in the system temp directory.
      cacheDirectory: '<rootDir>/node_modules/.cache/jest',
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out/', '/.tmp/', '/test/fixtures/'],
      // jest's default on a 2-core machine is one worker (cores - 1): the files would run one after
      // the other while a core idles. The main process only waits for the workers.
      maxWorkers: 2,
      coveragePathIgnorePatterns: ['/node_modules/', '\\.generated\\.ts$', '/.tmp/'],
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'build-tools', 'examples', 'bench', 'projenrc'],
    // One typed-lint project for src, tests, build tools, examples and the benchmark.
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },
  gitignore: ['cdk.out/', '.tmp/', 'bench/.work/', '/dist/'],
  // The npm package holds only what users need: lib/ (the compiled library, and whatever else the
  // build puts there), .jsii, README.md, LICENSE, API.md and package.json. Everything at the root is
  // left out first; projen's own rules below re-include lib/ and .jsii, and API.md is added after.
  // test/package.test.ts checks the result with `npm pack --dry-run`.
  npmIgnoreOptions: { ignorePatterns: ['/*'] },
});

project.npmignore?.addPatterns('!/API.md', '!/README.md', '!/LICENSE', '!/package.json');

// `npx projen build` packages the npm tarball only (dist/js), on every machine. The other languages
// (`npx projen package:python`, `package:java`, `package:dotnet`, `package:go`, or `package-all`) need
// their toolchains and registries (PyPI, Maven Central, NuGet, the Go proxy): they belong to the
// release pipeline. projen's default packages all five when CI is unset, and fails in package:java
// on a machine without Maven.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// `npm ci` rejects projen's fresh lockfile without this: it fails with `Missing: @unrs/resolver-binding-...`
// (eslint-import-resolver-typescript -> unrs-resolver 1.13.0).
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

project.tsconfigDev.addInclude('.projenrc.ts');
// test/fixtures/cdk-init-app/ is what `cdk init` makes, with its own tsconfig: not part of this project.
project.tsconfigDev.addExclude('test/fixtures');
project.eslint?.addIgnorePattern('test/fixtures/');

// The handler's only dependency, @aws-sdk/client-ecr, is provided by the Lambda runtime (a dev dependency here).
project.eslint?.addOverride({
  files: ['src/**/handler/**', 'src/audit/**'],
  rules: { 'import/no-extraneous-dependencies': 'off' },
});

// No network look-ups during builds and tests.
for (const [name, value] of Object.entries({
  JSII_SILENCE_SUPPORT_WARNING: '1',
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
  JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  CDK_DISABLE_VERSION_CHECK: 'true',
  // The AWS SDK's notice that its releases after January 2027 need Node.js 22 (this machine has 20);
  // the Lambda handler runs on Node.js 24 with the runtime's SDK, so the notice is noise here.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // ts-node's compile cache: in the project rather than in the system temp directory.
  V8_COMPILE_CACHE_CACHE_DIR: 'node_modules/.cache/v8-compile-cache',
})) {
  project.tasks.addEnvironment(name, value);
}

// The account-setting handler: TypeScript in src/, bundled by esbuild into a committed module
// whose string goes into `lambda.Code.fromInline` (zero file assets).
const bundleHandler = project.addTask('bundle:handler', {
  description: 'Bundle the account-setting Lambda handler into src/account-settings/handler-code.generated.ts',
  // --transpile-only here and below: the jsii compile type-checks src/, and a ts-node that type-checks
  // builds a program of its own each time (tens of seconds of the test task for nothing new).
  exec: 'ts-node --transpile-only --project tsconfig.dev.json build-tools/bundle-handler.ts',
});
project.preCompileTask.spawn(bundleHandler);
// The tests use the generated module too: keep it fresh before they run.
project.testTask.prependSpawn(bundleHandler);
// The test command ends with one plain line, `N passed, N failed, N skipped` (from jest's junit
// report), after lint and the integration snapshots, so the result needs no scrolling.
const testSummary = project.addTask('test:summary', {
  description: 'Print "N passed, N failed, N skipped" from jest\'s junit report; fail when no test ran',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json build-tools/test-summary.ts',
});
project.testTask.spawn(testSummary);

// The integration snapshot asserts of the test task: the aws-cdk CLI's synth prints where it wrote the
// assembly and how many feature flags are unset; print that only when synth fails.
for (const task of project.tasks.all.filter((t) => /^integ:.+:assert$/.test(t.name))) {
  task.steps.forEach((step, index) => {
    if (step.execArgs?.[0] === 'cdk' && step.execArgs[1] === 'synth') {
      const args = step.execArgs.map((arg) => arg.replace(/^ts-node -P /, 'ts-node --transpile-only -P '));
      task.updateStep(index, {
        execArgs: ['ts-node', '--transpile-only', '--project', 'tsconfig.dev.json', 'build-tools/run-quietly.ts', ...args],
      });
    }
    // aws-cdk-lib writes performance-counters.json into the assembly when a stack takes more than 10 s
    // to synthesize (a busy machine): not part of what the snapshot compares.
    if (step.execArgs?.[0] === 'diff' && !step.execArgs.includes('performance-counters.json')) {
      task.updateStep(index, { execArgs: ['diff', '-x', 'performance-counters.json', ...step.execArgs.slice(1)] });
    }
  });
}

// The audit CLI: src/audit/ bundled by esbuild with every AWS SDK client it uses (minified) into
// lib/audit/index.js (the typed `audit()` function, with its .d.ts) and lib/audit/cli.js (the bin).
// CDK apps that install the library get no AWS SDK dependency; the tests run the bundled bin.
const bundleAudit = project.addTask('bundle:audit', {
  description: 'Bundle the audit CLI and its AWS SDK clients into lib/audit/ (bin: cdk-ecr-shared-layers)',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json build-tools/bundle-audit.ts',
});
project.postCompileTask.prependSpawn(bundleAudit);
project.testTask.prependSpawn(bundleAudit);
project.addBins({ 'cdk-ecr-shared-layers': 'lib/audit/cli.js' });

// The example apps in examples/, each synthesized with the aws-cdk CLI (no credentials needed).
const EXAMPLES = ['platform-registry', 'minimal', 'cross-account-replication', 'organization-baseline', 'registry-monitor'];
const synthExample = (name: string, tsNode = 'ts-node') => ({
  exec: `cdk synth --app "${tsNode} --project tsconfig.dev.json examples/${name}.ts" --output cdk.out/examples/${name} --quiet --no-notices --no-version-reporting`,
});
// README command 1: the platform registry example, and a summary of what it synthesized. Without
// type-checking (the `examples` task of CI type-checks every example): a first look should be quick.
project.addTask('example', {
  description: 'Synthesize the example platform registry app with the aws-cdk CLI and print a summary',
  steps: [
    synthExample('platform-registry', 'ts-node --transpile-only'),
    { exec: 'ts-node --transpile-only --project tsconfig.dev.json build-tools/summarize-assembly.ts cdk.out/examples/platform-registry' },
  ],
});
// CI: every example.
project.addTask('examples', {
  description: 'Synthesize every example app in examples/ with the aws-cdk CLI',
  steps: EXAMPLES.map((name) => synthExample(name)),
});

// The StackSet TemplateBody sizes the README quotes (test/readme-figures.test.ts compares them).
project.addTask('measure:baseline-template', {
  description: 'Measure the TemplateBody of RegistryBaselineStackSet for baselines from the defaults to every option',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json build-tools/measure-baseline-template.ts',
});

// The benchmark (bench/): synthesis cost, footprint and deploy work, side by side with aws-cdk-lib.
// Results are committed in bench/RESULTS.md. Not part of the test task: speed targets are never unit tests.
project.addTask('bench', {
  description: 'Run the benchmark and write bench/RESULTS.md (pass --quick for a smoke run)',
  exec: 'ts-node --project tsconfig.dev.json bench/run.ts',
  receiveArgs: true,
});

// The audit's benchmark: API calls against the floor, memory against distinct blobs, wall time against
// the naive loop, and a simulated fleet. Writes bench/AUDIT-RESULTS.md; does not run the synthesis benchmark.
project.addTask('bench:audit', {
  description: 'Benchmark the audit with a stubbed ECR client and write bench/AUDIT-RESULTS.md',
  exec: 'node --expose-gc -r ts-node/register bench/audit.ts',
  env: { TS_NODE_PROJECT: 'tsconfig.dev.json', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  receiveArgs: true,
});

// The registry monitor's benchmark: the inline function against moto (with a fixed latency per ECR call) for
// 100 and 2,000 repositories, and the monthly cost from the measured durations. Writes bench/MONITOR-RESULTS.md.
project.addTask('bench:monitor', {
  description: 'Benchmark the registry monitor\'s function against moto and write bench/MONITOR-RESULTS.md (monthly cost)',
  steps: [
    { spawn: 'bundle:handler' },
    { exec: 'ts-node --project tsconfig.dev.json bench/monitor.ts', receiveArgs: true },
  ],
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
});

// The realistic fixture (20 services on 3 base images, two islands) loaded into moto, then audited.
project.addTask('audit:fixture', {
  description: 'Load the deterministic audit fixture into a local moto server and run the bundled audit on it',
  steps: [
    { spawn: 'bundle:audit' },
    { exec: 'ts-node --project tsconfig.dev.json build-tools/audit-fixture.ts', receiveArgs: true },
  ],
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
});

// docs/errors.md: every error and warning id, generated from the source (test/error-ids.test.ts
// fails when it is stale).
const docsErrors = project.addTask('docs:errors', {
  description: 'Write docs/errors.md (every error and warning id) from the source',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json build-tools/error-catalog.ts',
});
project.preCompileTask.spawn(docsErrors);

// test/fixtures/cdk-init-app/: a user's `cdk init app --language typescript`, whose cdk.json the
// README's apps are tested with; refreshed whenever the dependencies are upgraded.
const cdkInitFixture = project.addTask('fixture:cdk-init-app', {
  description: 'Refresh test/fixtures/cdk-init-app/ with `cdk init app --language typescript` and the feature flags of the aws-cdk-lib in use',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json build-tools/cdk-init-app.ts',
});
project.tasks.tryFind('post-upgrade')?.spawn(cdkInitFixture);

// The contributor's build of the package, in one command and without the test suite: the handler
// bundle, docs/errors.md, the jsii compile, the audit CLI bundle, API.md, the npm tarball in dist/js/.
project.addTask('pack', {
  description: 'Build the npm package (dist/js/*.jsii.tgz) without running the tests',
  steps: [
    { spawn: 'pre-compile' },
    { spawn: 'compile' },
    { spawn: 'post-compile' },
    { spawn: 'package' },
  ],
});

project.synth();
