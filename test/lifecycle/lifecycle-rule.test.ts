import { CfnParameter, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { renderLifecyclePolicy, validateLifecycleRules } from '../../src/lifecycle/lifecycle-policy';
import { LifecycleRule, TagStatus } from '../../src/lifecycle/lifecycle-rule';

/** Renders one repository's own rules, no registry defaults. */
function render(...rules: LifecycleRule[]): string | undefined {
  return renderLifecyclePolicy(new Stack(), [], rules);
}

/** ECR's documented examples, compacted: our output must match them key for key. */
function compact(json: string): string {
  return JSON.stringify(JSON.parse(json));
}

describe('LifecycleRule factories', () => {
  test.each([
    [
      'expireByCount',
      () => LifecycleRule.expireByCount({ maxImageCount: 10 }),
      '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}',
    ],
    [
      'archiveByCount',
      () => LifecycleRule.archiveByCount({ tagPatterns: ['v*'], maxImageCount: 5 }),
      '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","tagPatternList":["v*"],"countType":"imageCountMoreThan","countNumber":5},'
        + '"action":{"type":"transition","targetStorageClass":"archive"}}]}',
    ],
    [
      'expireAfterDaysSincePush',
      () => LifecycleRule.expireAfterDaysSincePush({ tagStatus: TagStatus.UNTAGGED, days: 7, description: 'Untagged after a week' }),
      '{"rules":[{"rulePriority":1,"description":"Untagged after a week","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},'
        + '"action":{"type":"expire"}}]}',
    ],
    [
      'archiveAfterDaysSincePush',
      () => LifecycleRule.archiveAfterDaysSincePush({ tagStatus: TagStatus.TAGGED, tagPrefixes: ['prod', 'v'], days: 30 }),
      '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","tagPrefixList":["prod","v"],"countType":"sinceImagePushed","countUnit":"days","countNumber":30},'
        + '"action":{"type":"transition","targetStorageClass":"archive"}}]}',
    ],
    [
      'archiveAfterDaysSincePull',
      () => LifecycleRule.archiveAfterDaysSincePull({ days: 90 }),
      '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":90},'
        + '"action":{"type":"transition","targetStorageClass":"archive"}}]}',
    ],
    [
      'expireFromArchiveAfterDays',
      () => LifecycleRule.expireFromArchiveAfterDays({ days: 90, priority: 7 }),
      '{"rules":[{"rulePriority":7,"selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":90},'
        + '"action":{"type":"expire"}}]}',
    ],
  ])('%s renders the exact ECR JSON', (_name, make, expected) => {
    // WHEN
    const text = render(make());

    // THEN
    expect(text).toBe(expected);
  });

  test('archiveAfterDaysSincePull matches ECR\'s "Filtering on last pulled time" example', () => {
    const text = render(LifecycleRule.archiveAfterDaysSincePull({ days: 90, description: 'Archive images not pulled in 90 days' }));

    expect(text).toBe(compact(`{
      "rules": [{
        "rulePriority": 1,
        "description": "Archive images not pulled in 90 days",
        "selection": { "tagStatus": "any", "countType": "sinceImagePulled", "countUnit": "days", "countNumber": 90 },
        "action": { "type": "transition", "targetStorageClass": "archive" }
      }]
    }`));
  });

  test('registry defaults and own rules reproduce ECR\'s "Combining archive and expire rules" example (one TagStatus.ANY rule per storage class)', () => {
    // GIVEN
    const defaults = [LifecycleRule.archiveAfterDaysSincePush({ days: 30, description: 'Archive images older than 30 days' })];
    const own = [LifecycleRule.expireFromArchiveAfterDays({ days: 365, description: 'Expire images archived for more than 365 days' })];

    // WHEN
    const text = renderLifecyclePolicy(new Stack(), defaults, own);

    // THEN
    expect(text).toBe(compact(`{
      "rules": [
        {
          "rulePriority": 1,
          "description": "Archive images older than 30 days",
          "selection": { "tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 30 },
          "action": { "type": "transition", "targetStorageClass": "archive" }
        },
        {
          "rulePriority": 2,
          "description": "Expire images archived for more than 365 days",
          "selection": { "tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 365 },
          "action": { "type": "expire" }
        }
      ]
    }`));
  });

  test('exposes what it renders through read-only properties, and copies the tag lists', () => {
    // GIVEN
    const prefixes = ['release-'];
    const rule = LifecycleRule.archiveByCount({ tagPrefixes: prefixes, maxImageCount: 3, priority: 4, description: 'Keep 3 releases' });

    // WHEN
    prefixes.push('changed-after-creation');
    rule.tagPrefixes?.push('changed-through-getter');

    // THEN
    expect({
      priority: rule.priority,
      tagStatus: rule.tagStatus,
      tagPrefixes: rule.tagPrefixes,
      tagPatterns: rule.tagPatterns,
      description: rule.description,
      countType: rule.countType,
      countNumber: rule.countNumber,
      actionType: rule.actionType,
      storageClass: rule.storageClass,
      targetStorageClass: rule.targetStorageClass,
    }).toEqual({
      priority: 4,
      tagStatus: TagStatus.TAGGED,
      tagPrefixes: ['release-'],
      tagPatterns: undefined,
      description: 'Keep 3 releases',
      countType: 'imageCountMoreThan',
      countNumber: 3,
      actionType: 'transition',
      storageClass: 'standard',
      targetStorageClass: 'archive',
    });
    expect(LifecycleRule.expireFromArchiveAfterDays({ days: 100 }).storageClass).toBe('archive');
  });

  test.each([
    ['maxImageCount is 0', () => LifecycleRule.expireByCount({ maxImageCount: 0 }),
      'LifecycleRule.expireByCount: maxImageCount must be a whole number of at least 1, got 0. Expected the number of images to keep, for example maxImageCount: 10.'],
    ['maxImageCount is negative', () => LifecycleRule.archiveByCount({ maxImageCount: -2 }),
      'LifecycleRule.archiveByCount: maxImageCount must be a whole number of at least 1, got -2.'],
    ['maxImageCount is not a whole number', () => LifecycleRule.expireByCount({ maxImageCount: 2.5 }),
      'maxImageCount must be a whole number of at least 1, got 2.5.'],
    ['maxImageCount is NaN', () => LifecycleRule.expireByCount({ maxImageCount: NaN }),
      'maxImageCount must be a whole number of at least 1, got NaN.'],
    ['days is 0', () => LifecycleRule.expireAfterDaysSincePush({ days: 0 }),
      'LifecycleRule.expireAfterDaysSincePush: days must be a whole number of at least 1, got 0. Expected the age in days, for example days: 30.'],
    ['days is negative', () => LifecycleRule.archiveAfterDaysSincePush({ days: -30 }),
      'LifecycleRule.archiveAfterDaysSincePush: days must be a whole number of at least 1, got -30.'],
    ['days is not a whole number', () => LifecycleRule.archiveAfterDaysSincePull({ days: 0.5 }),
      'LifecycleRule.archiveAfterDaysSincePull: days must be a whole number of at least 1, got 0.5.'],
    ['an archived image would be expired before 90 days in archive', () => LifecycleRule.expireFromArchiveAfterDays({ days: 89 }),
      'LifecycleRule.expireFromArchiveAfterDays: days must be at least 90, got 89. ECR does not let a lifecycle policy delete an image that has been in archive for less than 90 days'],
    ['priority is 0', () => LifecycleRule.expireByCount({ maxImageCount: 1, priority: 0 }),
      'LifecycleRule.expireByCount: priority must be a whole number of at least 1, got 0. Expected a whole number of at least 1, or leave it out to have it assigned automatically.'],
    ['priority is not a whole number', () => LifecycleRule.expireByCount({ maxImageCount: 1, priority: 1.5 }),
      'priority must be a whole number of at least 1, got 1.5.'],
    ['TAGGED has neither tagPrefixes nor tagPatterns', () => LifecycleRule.expireByCount({ tagStatus: TagStatus.TAGGED, maxImageCount: 1 }),
      'LifecycleRule.expireByCount: tagStatus TagStatus.TAGGED needs tagPrefixes or tagPatterns, got neither.'],
    ['UNTAGGED has tagPrefixes', () => LifecycleRule.expireByCount({ tagStatus: TagStatus.UNTAGGED, tagPrefixes: ['v'], maxImageCount: 1 }),
      'tagPrefixes and tagPatterns select tagged images, but tagStatus is "untagged". Use tagStatus: TagStatus.TAGGED (or leave tagStatus out), or remove tagPrefixes and tagPatterns.'],
    ['ANY has tagPatterns', () => LifecycleRule.archiveAfterDaysSincePull({ tagStatus: TagStatus.ANY, tagPatterns: ['v*'], days: 1 }),
      'tagPrefixes and tagPatterns select tagged images, but tagStatus is "any".'],
    ['both tagPrefixes and tagPatterns are given', () => LifecycleRule.expireByCount({ tagPrefixes: ['v'], tagPatterns: ['v*'], maxImageCount: 1 }),
      'a rule may give tagPrefixes or tagPatterns, not both (got tagPrefixes ["v"] and tagPatterns ["v*"]).'],
    ['tagPrefixes is empty', () => LifecycleRule.expireByCount({ tagPrefixes: [], maxImageCount: 1 }),
      'tagPrefixes is empty. Give at least one prefix, or use TagStatus.ANY to select all images.'],
    ['a tag pattern is empty', () => LifecycleRule.expireByCount({ tagPatterns: ['v*', ''], maxImageCount: 1 }),
      'tagPatterns contains an empty string (got ["v*",""]).'],
    ['a tag pattern has more than 4 wildcards', () => LifecycleRule.expireByCount({ tagPatterns: ['test*1*2*3*4*5*6'], maxImageCount: 1 }),
      'tag pattern "test*1*2*3*4*5*6" has 6 wildcards (*); ECR allows at most 4 per pattern.'],
  ])('fails when %s', (_name, make, message) => {
    expect(make).toThrow(message);
  });

  test('accepts 4 wildcards per pattern (ECR\'s own valid example)', () => {
    const rule = LifecycleRule.expireByCount({ tagPatterns: ['*test*1*2*3', 'test*1*2*3*'], maxImageCount: 1 });

    expect(rule.tagPatterns).toEqual(['*test*1*2*3', 'test*1*2*3*']);
  });

  test('skips the checks of values that are tokens', () => {
    // GIVEN
    const stack = new Stack();
    const days = new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber;

    // WHEN
    const rule = LifecycleRule.expireFromArchiveAfterDays({ days });

    // THEN
    expect(Token.isUnresolved(rule.countNumber)).toBe(true);
  });
});

describe('renderLifecyclePolicy', () => {
  test('returns undefined when there are no rules', () => {
    expect(renderLifecyclePolicy(new Stack(), [], [])).toBeUndefined();
  });

  test('merges registry defaults and own rules: explicit priorities kept, lowest free numbers in order given, TagStatus.ANY last, sorted', () => {
    // GIVEN
    const defaults = [
      LifecycleRule.expireAfterDaysSincePush({ tagStatus: TagStatus.UNTAGGED, days: 1 }),
      LifecycleRule.expireByCount({ maxImageCount: 100 }),
      LifecycleRule.archiveAfterDaysSincePull({ tagPatterns: ['release-*'], days: 90, priority: 2 }),
    ];
    const own = [
      LifecycleRule.expireByCount({ tagPrefixes: ['pr-'], maxImageCount: 5 }),
      LifecycleRule.archiveByCount({ tagPatterns: ['feature-*'], maxImageCount: 3, priority: 10 }),
      LifecycleRule.expireFromArchiveAfterDays({ days: 180 }),
    ];

    // WHEN
    const text = renderLifecyclePolicy(new Stack(), defaults, own);

    // THEN
    expect(text).toBe('{"rules":['
      + '{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}},'
      + '{"rulePriority":2,"selection":{"tagStatus":"tagged","tagPatternList":["release-*"],"countType":"sinceImagePulled","countUnit":"days","countNumber":90},'
      + '"action":{"type":"transition","targetStorageClass":"archive"}},'
      + '{"rulePriority":3,"selection":{"tagStatus":"tagged","tagPrefixList":["pr-"],"countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}},'
      + '{"rulePriority":10,"selection":{"tagStatus":"tagged","tagPatternList":["feature-*"],"countType":"imageCountMoreThan","countNumber":3},'
      + '"action":{"type":"transition","targetStorageClass":"archive"}},'
      + '{"rulePriority":11,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":100},"action":{"type":"expire"}},'
      + '{"rulePriority":12,"selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":180},'
      + '"action":{"type":"expire"}}'
      + ']}');
  });

  test('the text kept for shared defaults follows changes of the defaults array and is not used when the repository has rules', () => {
    // GIVEN
    const defaults = [LifecycleRule.expireByCount({ tagStatus: TagStatus.UNTAGGED, maxImageCount: 1 })];
    const first = renderLifecyclePolicy(new Stack(), defaults, []);

    // WHEN
    const again = renderLifecyclePolicy(new Stack(), defaults, []);
    const withOwn = renderLifecyclePolicy(new Stack(), defaults, [LifecycleRule.archiveAfterDaysSincePull({ days: 30 })]);
    defaults.push(LifecycleRule.expireByCount({ maxImageCount: 50 }));
    const changed = renderLifecyclePolicy(new Stack(), defaults, []);

    // THEN
    expect(again).toBe(first);
    expect(withOwn).toBe('{"rules":['
      + '{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},'
      + '{"rulePriority":2,"selection":{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":30},'
      + '"action":{"type":"transition","targetStorageClass":"archive"}}'
      + ']}');
    expect(changed).toBe('{"rules":['
      + '{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},'
      + '{"rulePriority":2,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":50},"action":{"type":"expire"}}'
      + ']}');
  });

  test('the rendered text is a valid CfnRepository LifecyclePolicyText', () => {
    // GIVEN
    const stack = new Stack();
    const lifecyclePolicyText = renderLifecyclePolicy(stack,
      [LifecycleRule.archiveAfterDaysSincePull({ days: 90 }), LifecycleRule.expireFromArchiveAfterDays({ days: 365 })],
      [LifecycleRule.expireAfterDaysSincePush({ tagStatus: TagStatus.UNTAGGED, days: 14 })]);

    // WHEN
    new ecr.CfnRepository(stack, 'R', { lifecyclePolicy: { lifecyclePolicyText } });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ECR::Repository', {
      LifecyclePolicy: {
        LifecyclePolicyText: '{"rules":['
          + '{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}},'
          + '{"rulePriority":2,"selection":{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":90},'
          + '"action":{"type":"transition","targetStorageClass":"archive"}},'
          + '{"rulePriority":3,"selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":365},'
          + '"action":{"type":"expire"}}'
          + ']}',
      },
    });
  });

  test('renders tokens through CloudFormation and leaves their checks to deploy time', () => {
    // GIVEN
    const stack = new Stack();
    const priority = new CfnParameter(stack, 'Priority', { type: 'Number' }).valueAsNumber;
    const lifecyclePolicyText = renderLifecyclePolicy(stack, [], [
      LifecycleRule.expireByCount({ maxImageCount: 10, priority }),
      LifecycleRule.expireByCount({ tagStatus: TagStatus.UNTAGGED, maxImageCount: 1 }),
    ]);

    // WHEN
    new ecr.CfnRepository(stack, 'R', { lifecyclePolicy: { lifecyclePolicyText } });

    // THEN
    expect(Token.isUnresolved(lifecyclePolicyText)).toBe(true);
    const text = Template.fromStack(stack).toJSON().Resources.R.Properties.LifecyclePolicy.LifecyclePolicyText;
    expect(text).toEqual({
      'Fn::Join': ['', [
        '{"rules":[{"rulePriority":',
        { Ref: 'Priority' },
        ',"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}},'
          + '{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}',
      ]],
    });
  });

  const longDescription = 'x'.repeat(1_100);
  test.each([
    ['two rules have the same priority',
      [LifecycleRule.expireByCount({ tagPrefixes: ['a'], maxImageCount: 1, priority: 3 })],
      [LifecycleRule.expireByCount({ tagPrefixes: ['b'], maxImageCount: 1, priority: 3 })],
      'Default: registry default lifecycleRules[0] (LifecycleRule.expireByCount({ tagStatus: "tagged", tagPrefixes: ["a"], maxImageCount: 1, priority: 3 })) '
        + 'and repository lifecycleRules[0] (LifecycleRule.expireByCount({ tagStatus: "tagged", tagPrefixes: ["b"], maxImageCount: 1, priority: 3 })) both have priority 3. '
        + 'ECR needs a unique rulePriority for every rule of a lifecycle policy.'],
    ['a TagStatus.ANY rule is not last among the rules of its storage class',
      [LifecycleRule.expireByCount({ maxImageCount: 100, priority: 1, description: 'cap' })],
      [LifecycleRule.expireByCount({ tagStatus: TagStatus.UNTAGGED, maxImageCount: 1 })],
      'registry default lifecycleRules[0] (LifecycleRule.expireByCount({ tagStatus: "any", maxImageCount: 100, priority: 1, description: "cap" })) selects all images '
        + '(TagStatus.ANY) with priority 1, but repository lifecycleRules[0] (LifecycleRule.expireByCount({ tagStatus: "untagged", maxImageCount: 1 })) selects images '
        + 'of the same (standard) storage class with the higher priority 2. ECR needs a TagStatus.ANY rule to have the highest priority among the rules of its storage class.'],
    ['two TagStatus.ANY rules select the same storage class',
      [LifecycleRule.expireByCount({ maxImageCount: 100 })],
      [LifecycleRule.archiveAfterDaysSincePull({ days: 30 })],
      'registry default lifecycleRules[0] (LifecycleRule.expireByCount({ tagStatus: "any", maxImageCount: 100 })) and repository lifecycleRules[0] '
        + '(LifecycleRule.archiveAfterDaysSincePull({ tagStatus: "any", days: 30 })) both select all images (TagStatus.ANY) in the standard storage class.'],
    ['two TagStatus.UNTAGGED rules select the same storage class',
      [LifecycleRule.expireAfterDaysSincePush({ tagStatus: TagStatus.UNTAGGED, days: 7 })],
      [LifecycleRule.expireByCount({ tagStatus: TagStatus.UNTAGGED, maxImageCount: 3 })],
      'both select untagged images (TagStatus.UNTAGGED) in the standard storage class. ECR allows only one rule per storage class to select untagged images.'],
    ['there are more than 50 rules',
      Array.from({ length: 30 }, (_, i) => LifecycleRule.expireByCount({ tagPrefixes: [`d${i}`], maxImageCount: 1 })),
      Array.from({ length: 21 }, (_, i) => LifecycleRule.expireByCount({ tagPrefixes: [`o${i}`], maxImageCount: 1 })),
      'Default: Got 51 lifecycle rules in the registry\'s default rules (30) and the repository\'s own rules (21) together; ECR allows at most 50 rules per lifecycle policy.'],
    ['the policy is longer than 30,720 characters',
      Array.from({ length: 14 }, (_, i) => LifecycleRule.expireByCount({ tagPrefixes: [`d${i}`], maxImageCount: 1, description: longDescription })),
      Array.from({ length: 14 }, (_, i) => LifecycleRule.expireByCount({ tagPrefixes: [`o${i}`], maxImageCount: 1, description: longDescription })),
      /^\[cdk-ecr-shared-layers:lifecyclePolicyTooLong\] Default: The lifecycle policy of the registry's default rules \(14\) and the repository's own rules \(14\) together renders to 3\d{4} characters; ECR allows at most 30720 characters per lifecycle policy\. Shorten or drop descriptions/],
  ])('fails when %s', (_name, defaults, own, message) => {
    const stack = new Stack(undefined, 'Default');

    expect(() => renderLifecyclePolicy(stack, defaults, own)).toThrow(message);
  });

  test('fails when an explicit TagStatus.ANY priority leaves no room for automatic priorities below it', () => {
    const own = [
      LifecycleRule.expireByCount({ maxImageCount: 100, priority: 2 }),
      LifecycleRule.expireByCount({ tagPrefixes: ['a'], maxImageCount: 1 }),
      LifecycleRule.expireByCount({ tagPrefixes: ['b'], maxImageCount: 1 }),
    ];

    expect(() => renderLifecyclePolicy(new Stack(), [], own)).toThrow(
      'selects all images (TagStatus.ANY) with priority 2, but repository lifecycleRules[2] (LifecycleRule.expireByCount({ tagStatus: "tagged", tagPrefixes: ["b"], maxImageCount: 1 })) '
        + 'selects images of the same (standard) storage class with the higher priority 3.');
  });
});

describe('validateLifecycleRules', () => {
  test('accepts a valid list', () => {
    const rules = [LifecycleRule.archiveAfterDaysSincePull({ days: 90 }), LifecycleRule.expireFromArchiveAfterDays({ days: 365 })];

    expect(() => validateLifecycleRules(new Stack(), rules, 'lifecycleRules')).not.toThrow();
    expect(renderLifecyclePolicy(new Stack(), rules, [])).toContain('"rulePriority":2,"selection":{"tagStatus":"any","storageClass":"archive"');
  });

  test('fails when the list on its own breaks a policy rule, naming the list', () => {
    const rules = [
      LifecycleRule.expireByCount({ tagPatterns: ['v*'], maxImageCount: 1, priority: 5 }),
      LifecycleRule.archiveByCount({ tagPatterns: ['w*'], maxImageCount: 1, priority: 5 }),
    ];

    expect(() => validateLifecycleRules(new Stack(undefined, 'Registry'), rules, 'lifecycleRules')).toThrow(
      'Registry: lifecycleRules[0] (LifecycleRule.expireByCount({ tagStatus: "tagged", tagPatterns: ["v*"], maxImageCount: 1, priority: 5 })) '
        + 'and lifecycleRules[1] (LifecycleRule.archiveByCount({ tagStatus: "tagged", tagPatterns: ["w*"], maxImageCount: 1, priority: 5 })) both have priority 5.');
  });
});
