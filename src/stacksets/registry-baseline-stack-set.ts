import { Annotations, CfnResource, Names, Stack, Token } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { Construct } from 'constructs';
import { BaselineEncryption } from './baseline-encryption';
import { RegistryBaselineOptions } from './baseline-options';
import { BaselineSynthesis, BaselineTemplate, buildBaselineApp, discardBaseline, synthesizeBaseline } from './baseline-template';
import { ACCOUNT_ID, partitionOf, REGION } from '../private/aws-names';
import { fail, show, splitErrorText } from '../private/errors';

// Checked 2026 against:
// - https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stackset.html
//   and its DeploymentTargets / OperationPreferences / AutoDeployment property types: for create
//   operations of a service-managed stack set give OrganizationalUnitIds (Accounts only with an
//   AccountFilterType; UNION is not supported for create operations when using StackSet as a resource);
//   MaxConcurrentPercentage 1-100, FailureTolerancePercentage 0-100, both rounded down per Region.
// - https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackInstances.html:
//   at most 50 organizational units per operation.
// - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html:
//   a template body passed in a request is at most 51,200 bytes (1 MB from Amazon S3).
// - https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html and
//   API_Root.html: OU ids ou-<root>-<ou>, root ids r-<root>.

/** The largest TemplateBody CloudFormation accepts in a request. */
const MAX_TEMPLATE_BODY_BYTES = 51_200;
const MAX_ORGANIZATIONAL_UNITS = 50;
const ORGANIZATIONAL_UNIT_ID = /^(?:ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/;
const STACK_SET_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;
const MAX_DESCRIPTION_LENGTH = 1024;

/**
 * Whether the stack set is managed from the organization's management account or from a
 * delegated administrator account.
 */
export enum StackSetCallAs {
  /** The stack is deployed in the organization's management account. */
  SELF = 'SELF',
  /** The stack is deployed in an account registered as a delegated administrator for StackSets. */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
}

/**
 * How a stack set operation proceeds through the regions.
 */
export enum StackSetRegionConcurrency {
  /** One region at a time, in the order of `regions`; a region over its failure tolerance stops the operation. */
  SEQUENTIAL = 'SEQUENTIAL',
  /** All regions at the same time. */
  PARALLEL = 'PARALLEL',
}

/**
 * How the failure tolerance limits the concurrency of a stack set operation.
 */
export enum StackSetConcurrencyMode {
  /**
   * The operation starts with min(max concurrent accounts, failure tolerance + 1) accounts per
   * region and lowers the concurrency with each failure (CloudFormation's default).
   */
  STRICT_FAILURE_TOLERANCE = 'STRICT_FAILURE_TOLERANCE',
  /** The operation runs at the max concurrent accounts, whatever the number of failures. */
  SOFT_FAILURE_TOLERANCE = 'SOFT_FAILURE_TOLERANCE',
}

/**
 * How `accounts` refines the accounts of the target organizational units.
 */
export enum StackSetAccountFilter {
  /** Only the listed accounts of the organizational units (a pilot, or a wave of a rollout). */
  INTERSECTION = 'INTERSECTION',
  /** Every account of the organizational units except the listed ones (for example suspended accounts). */
  DIFFERENCE = 'DIFFERENCE',
}

/**
 * Properties of a `RegistryBaselineStackSet`.
 */
export interface RegistryBaselineStackSetProps extends RegistryBaselineOptions {
  /**
   * The organizational units (`ou-xxxx-xxxxxxxx`) or the organization root (`r-xxxx`) whose accounts
   * get the baseline, at most 50. Accounts that join them later get it too (auto-deployment).
   * StackSets never deploys to the organization's management account: give it its own
   * `SharedLayerRegistry` stack.
   */
  readonly organizationalUnitIds: string[];

  /**
   * Accounts (12 digits) that refine the accounts of `organizationalUnitIds`, as `accountFilter` says.
   *
   * @default - every account of the organizational units
   */
  readonly accounts?: string[];

  /**
   * How `accounts` refines the accounts of the organizational units: only them (`INTERSECTION`,
   * for a pilot), or all but them (`DIFFERENCE`). Only with `accounts`.
   *
   * @default StackSetAccountFilter.INTERSECTION when `accounts` is given
   */
  readonly accountFilter?: StackSetAccountFilter;

  /**
   * The regions of every target account that get the baseline, in deployment order: with
   * `StackSetRegionConcurrency.SEQUENTIAL`, the first region is the canary.
   */
  readonly regions: string[];

  /**
   * The name of the stack set, unique in the administrator account and region. Changing it
   * replaces the stack set: every stack instance is deleted and created again.
   *
   * @default - a name made from the construct path
   */
  readonly stackSetName?: string;

  /**
   * The description of the stack set.
   *
   * @default - a summary of the baseline
   */
  readonly description?: string;

  /**
   * Whether this stack is deployed in the management account or in a delegated administrator account.
   *
   * @default StackSetCallAs.SELF
   */
  readonly callAs?: StackSetCallAs;

  /**
   * Deploy the baseline to accounts that join the target organizational units later, and remove
   * it from accounts that leave them.
   *
   * @default true
   */
  readonly autoDeployment?: boolean;

  /**
   * Keep the stack (and so the baseline's resources) of an account that leaves the target
   * organizational units; it is then no longer managed by the stack set. Only with auto-deployment.
   * Either way, the account settings stay as they are (unless `accountSettingsRemovalPolicy` is
   * `DESTROY`) and a key created by the baseline is retained.
   *
   * @default false
   */
  readonly retainStacksOnAccountRemoval?: boolean;

  /**
   * The percentage (1-100) of the target accounts that an operation works on at the same time,
   * per region, rounded down (at least one account).
   *
   * @default 10
   */
  readonly maxConcurrentPercentage?: number;

  /**
   * The percentage (0-100) of the target accounts, per region, in which an operation may fail
   * before CloudFormation stops it in that region (and in the next regions), rounded down.
   *
   * @default 10
   */
  readonly failureTolerancePercentage?: number;

  /**
   * Whether an operation goes through the regions one at a time or all at once.
   *
   * @default StackSetRegionConcurrency.SEQUENTIAL
   */
  readonly regionConcurrency?: StackSetRegionConcurrency;

  /**
   * How failures limit the concurrency of an operation.
   *
   * @default StackSetConcurrencyMode.STRICT_FAILURE_TOLERANCE
   */
  readonly concurrencyMode?: StackSetConcurrencyMode;
}

/**
 * The registry baseline of an organization: blob mounting and the other ECR account settings,
 * the default repository creation template with the baseline's encryption, scanning and
 * replication, in every account and region of some organizational units, through one
 * service-managed CloudFormation StackSet (`AWS::CloudFormation::StackSet`) with auto-deployment.
 *
 * The stack set's template is a `SharedLayerRegistry` in an env-agnostic stack that this construct
 * synthesizes itself, at construction: it has no file assets, no bootstrap parameter or rule, and
 * is passed as TemplateBody (at most 51,200 bytes: synthesis fails above that).
 *
 * Put it in a stack of the organization's management account (or of a delegated administrator
 * account, with `callAs: StackSetCallAs.DELEGATED_ADMIN`).
 *
 * @example
 * declare const stack: Stack;
 * new RegistryBaselineStackSet(stack, 'RegistryBaseline', {
 *   organizationalUnitIds: ['ou-ab12-cdef3456'],
 *   regions: ['us-east-1', 'eu-west-1'],
 *   registryPolicyScope: RegistryPolicyScope.V2,
 *   scanning: RegistryScanning.basic(),
 * });
 */
export class RegistryBaselineStackSet extends Construct {
  /** The name of the stack set. */
  public readonly stackSetName: string;
  /**
   * The id of the stack set (`name:uuid`).
   * @attribute
   */
  public readonly stackSetId: string;
  /** The encryption of the repositories ECR creates from the baseline's creation template. */
  public readonly encryption: BaselineEncryption;
  /** The underlying CloudFormation resource. */
  public readonly resource: CfnStackSet;

  private readonly baseline: BaselineSynthesis;

  constructor(scope: Construct, id: string, props: RegistryBaselineStackSetProps) {
    super(scope, id);
    this.encryption = props.encryption ?? BaselineEncryption.AES256;

    const targets = this.validateTargets(props);
    const preferences = this.validatePreferences(props);
    this.validateBaseline(props);
    this.stackSetName = props.stackSetName ?? this.defaultStackSetName();
    validateStackSetName(this, this.stackSetName);

    const description = props.description ?? describeBaseline(props, this.encryption);
    if (!Token.isUnresolved(description) && description.length > MAX_DESCRIPTION_LENGTH) {
      fail(this, 'stackSetDescriptionTooLong', `The description of the stack set is ${description.length} characters long, but CloudFormation accepts at most ${MAX_DESCRIPTION_LENGTH}. Shorten it.`);
    }

    this.baseline = this.synthesize(props, description);

    this.resource = new CfnStackSet(this, 'Resource', {
      stackSetName: this.stackSetName,
      description,
      permissionModel: 'SERVICE_MANAGED',
      callAs: props.callAs ?? StackSetCallAs.SELF,
      autoDeployment: preferences.autoDeployment,
      managedExecution: { Active: true },
      capabilities: capabilitiesOf(this.baseline.template),
      operationPreferences: preferences.operationPreferences,
      stackInstancesGroup: [{ deploymentTargets: targets, regions: props.regions }],
      templateBody: this.baseline.body,
    });
    this.stackSetId = this.resource.attrStackSetId;
  }

  /**
   * The baseline stack's CloudFormation template, minified JSON: the stack set's TemplateBody.
   */
  public get baselineTemplate(): string {
    return this.baseline.body;
  }

  private validateTargets(props: RegistryBaselineStackSetProps): CfnStackSet.DeploymentTargetsProperty {
    const ous = props.organizationalUnitIds;
    if (ous.length === 0) {
      fail(this, 'stackSetNoOrganizationalUnits', 'organizationalUnitIds is empty: a service-managed stack set creates its stack instances in organizational units. Give at least one OU id (ou-xxxx-xxxxxxxx), or the organization root (r-xxxx) together with accounts and accountFilter INTERSECTION to target single accounts.');
    }
    if (ous.length > MAX_ORGANIZATIONAL_UNITS) {
      fail(this, 'stackSetTooManyOrganizationalUnits', `organizationalUnitIds has ${ous.length} entries, but a stack set operation accepts at most ${MAX_ORGANIZATIONAL_UNITS}. Target a parent OU (or the root r-xxxx) instead of its children.`);
    }
    checkList(this, 'organizationalUnitIds', ous, ORGANIZATIONAL_UNIT_ID, 'an OU id like ou-ab12-cdef3456 or a root id like r-ab12');

    const accounts = props.accounts ?? [];
    checkList(this, 'accounts', accounts, ACCOUNT_ID, 'a 12-digit account id');
    if (props.accountFilter !== undefined && accounts.length === 0) {
      fail(this, 'stackSetAccountFilterWithoutAccounts', `accountFilter ${props.accountFilter} is given without accounts: list the accounts it applies to, or remove accountFilter to target every account of the organizational units.`);
    }
    const filter = props.accountFilter ?? StackSetAccountFilter.INTERSECTION;
    const allowedFilters = Object.values(StackSetAccountFilter) as string[];
    if (!allowedFilters.includes(filter)) {
      fail(this, 'stackSetInvalidAccountFilter', `Invalid accountFilter ${show(filter)}: expected one of ${allowedFilters.join(', ')} (StackSetAccountFilter). UNION is not supported when CloudFormation creates a stack set resource.`);
    }

    const regions = props.regions;
    if (regions.length === 0) {
      fail(this, 'stackSetNoRegions', 'regions is empty: give at least one region to deploy the registry baseline to, for example [\'us-east-1\'].');
    }
    checkList(this, 'regions', regions, REGION, 'a region name like us-east-1');
    const partitions = new Set(regions.filter((r) => !Token.isUnresolved(r)).map((r) => partitionOf(r)));
    const own = partitionOf(Stack.of(this).region);
    if (own !== undefined) {
      partitions.add(own);
    }
    if (partitions.size > 1) {
      fail(this, 'stackSetRegionsSpanPartitions', `regions ${show(regions)} span several partitions (${[...partitions].join(', ')}${own !== undefined ? `, with the stack's own region ${Stack.of(this).region}` : ''}): a stack set deploys within the partition of its administrator account only. Use one stack set per partition.`);
    }

    return accounts.length === 0
      ? { organizationalUnitIds: ous }
      : { organizationalUnitIds: ous, accounts, accountFilterType: filter };
  }

  private validatePreferences(props: RegistryBaselineStackSetProps): {
    autoDeployment: CfnStackSet.AutoDeploymentProperty;
    operationPreferences: CfnStackSet.OperationPreferencesProperty;
  } {
    const maxConcurrent = props.maxConcurrentPercentage ?? 10;
    const failureTolerance = props.failureTolerancePercentage ?? 10;
    checkPercentage(this, 'maxConcurrentPercentage', maxConcurrent, 1);
    checkPercentage(this, 'failureTolerancePercentage', failureTolerance, 0);
    checkEnum(this, 'regionConcurrency', props.regionConcurrency, StackSetRegionConcurrency, 'StackSetRegionConcurrency');
    checkEnum(this, 'concurrencyMode', props.concurrencyMode, StackSetConcurrencyMode, 'StackSetConcurrencyMode');
    checkEnum(this, 'callAs', props.callAs, StackSetCallAs, 'StackSetCallAs');

    const enabled = props.autoDeployment ?? true;
    if (!enabled && props.retainStacksOnAccountRemoval !== undefined) {
      fail(this, 'stackSetRetainWithoutAutoDeployment', `retainStacksOnAccountRemoval is ${props.retainStacksOnAccountRemoval} but autoDeployment is false: the option only applies to accounts that auto-deployment removes. Remove retainStacksOnAccountRemoval, or turn autoDeployment on.`);
    }
    return {
      autoDeployment: enabled
        ? { enabled: true, retainStacksOnAccountRemoval: props.retainStacksOnAccountRemoval ?? false }
        : { enabled: false },
      operationPreferences: {
        maxConcurrentPercentage: maxConcurrent,
        failureTolerancePercentage: failureTolerance,
        regionConcurrencyType: props.regionConcurrency ?? StackSetRegionConcurrency.SEQUENTIAL,
        concurrencyMode: props.concurrencyMode ?? StackSetConcurrencyMode.STRICT_FAILURE_TOLERANCE,
        regionOrder: props.regions,
      },
    };
  }

  /** Checks of the baseline that need the targets (the registry checks the rest). */
  private validateBaseline(props: RegistryBaselineStackSetProps): void {
    const creationTemplates = props.creationTemplates ?? true;
    if (creationTemplates) {
      const unsupported = props.regions.filter((r) => ['aws-cn', 'aws-us-gov'].includes(partitionOf(r) ?? ''));
      if (unsupported.length > 0) {
        fail(this, 'creationTemplatesUnavailableInRegion', `Repository creation templates are not available in ${unsupported.join(', ')} (China and AWS GovCloud (US) regions), but the baseline has creationTemplates on (the default). Set creationTemplates: false for these regions.`);
      }
    } else {
      const unused = [
        ['lifecycleRules', (props.lifecycleRules ?? []).length > 0],
        ['imageTagMutability', props.imageTagMutability !== undefined],
        ['imageTagMutabilityExclusionFilters', props.imageTagMutabilityExclusionFilters !== undefined],
      ].filter(([, given]) => given).map(([name]) => name);
      if (unused.length > 0) {
        fail(this, 'baselineSettingWithoutCreationTemplates', `${unused.join(', ')} ${unused.length > 1 ? 'are' : 'is'} given with creationTemplates: false, where ${unused.length > 1 ? 'they have' : 'it has'} no effect (the baseline has no repositories: these settings reach only the repositories ECR creates from the creation template). Remove ${unused.length > 1 ? 'them' : 'it'}, or turn creationTemplates on.`);
      }
    }
    const targetRegions = new Set(props.regions);
    const auditRegion = props.auditRole?.region;
    if (auditRegion !== undefined && !Token.isUnresolved(auditRegion) && !targetRegions.has(auditRegion)) {
      fail(this, 'auditRoleRegionNotInBaseline', `auditRole.region ${show(auditRegion)} is not one of the stack set's regions ${show(props.regions)}: no stack instance would create the audit role. Use one of regions, for example ${show(props.regions[0])}.`);
    }
    for (const [index, rule] of (props.replication ?? []).entries()) {
      for (const destination of rule.destinations) {
        if (destination.account === undefined && targetRegions.has(destination.region)) {
          fail(this, 'baselineReplicatesToItself', `Replication rule ${index + 1} replicates to ${destination.region} in the same account, but ${destination.region} is one of the stack set's regions: there the registry would replicate to itself, which Amazon ECR rejects. Replicate to a region outside regions, or to another account (destination.account).`);
        }
      }
    }
  }

  private synthesize(props: RegistryBaselineStackSetProps, description: string): BaselineSynthesis {
    let synthesis: BaselineSynthesis | undefined;
    try {
      const { app, stack } = buildBaselineApp(props, description);
      // An empty template is refused before synthesis (aws-cdk-lib would print its own warning first).
      synthesis = stack.node.findAll().some((c) => CfnResource.isCfnResource(c)) ? synthesizeBaseline(app, stack) : discardBaseline(app);
    } catch (error) {
      if (error instanceof Error) {
        // Keep the id of the registry's own error: the baseline only says where it happened.
        const inner = splitErrorText(error.message);
        fail(this, inner.id ?? 'baselineInvalid', `The registry baseline is invalid: ${inner.message}`);
      }
      throw error;
    }
    if (!synthesis) {
      fail(this, 'baselineEmpty', 'The registry baseline is empty (blobMounting false, no other account setting, no creation template, scanning or replication): CloudFormation refuses a template without resources. Turn at least one setting on.');
    }

    for (const message of synthesis.messages) {
      if (message.level === 'error') {
        const inner = splitErrorText(message.message);
        fail(this, inner.id ?? 'baselineInvalid', `The registry baseline is invalid: ${message.path}: ${inner.message}`);
      }
      Annotations.of(this).addWarningV2(message.id ?? 'cdk-ecr-shared-layers:registryBaselineWarning', `In the registry baseline (${message.path}): ${message.message}`);
    }
    // Guarantees of the bootstrapless synthesizer, checked on what CloudFormation will receive.
    const extraArtifacts = synthesis.artifactIds.filter((a) => a !== 'RegistryBaseline');
    if (synthesis.assets > 0 || extraArtifacts.length > 0) {
      fail(this, 'baselineNotSelfContained', `The registry baseline has ${synthesis.assets} asset(s) and extra artifacts ${show(extraArtifacts)}, but a stack set template must be self-contained. This is a bug of cdk-ecr-shared-layers: please report it.`);
    }
    const sections = Object.keys(synthesis.template).filter((s) => s === 'Parameters' || s === 'Rules');
    if (sections.length > 0) {
      fail(this, 'baselineNotSelfContained', `The registry baseline template has ${sections.join(' and ')} (${show(Object.keys(synthesis.template[sections[0]] ?? {}))}), but the stack set passes none. This is a bug of cdk-ecr-shared-layers: please report it.`);
    }
    if (synthesis.bytes > MAX_TEMPLATE_BODY_BYTES) {
      fail(this, 'baselineTemplateTooLarge', `The registry baseline template is ${synthesis.bytes} bytes, but a template passed as TemplateBody may have at most ${MAX_TEMPLATE_BODY_BYTES} bytes. Make the baseline smaller (fewer replication rules and repository filters, fewer scanning filters, fewer lifecycle rules), or split it into two stack sets (for example the account settings and the registry configuration); a template of up to 1 MB needs to be uploaded to Amazon S3 and passed as TemplateURL, which this construct does not do.`);
    }
    return synthesis;
  }

  private defaultStackSetName(): string {
    const name = Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
    return /^[a-zA-Z]/.test(name) ? name : `S${name}`.slice(0, 128);
  }
}

/** CAPABILITY_IAM for IAM resources, CAPABILITY_NAMED_IAM for IAM resources with a name. */
function capabilitiesOf(template: BaselineTemplate): string[] | undefined {
  const resources = Object.values(template.Resources ?? {});
  const iam = resources.filter((r) => r.Type.startsWith('AWS::IAM::'));
  if (iam.length === 0) {
    return undefined;
  }
  const named = iam.some((r) => ['RoleName', 'UserName', 'GroupName', 'ManagedPolicyName', 'InstanceProfileName']
    .some((p) => r.Properties?.[p] !== undefined));
  return [named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM'];
}

function describeBaseline(props: RegistryBaselineOptions, encryption: BaselineEncryption): string {
  const parts: string[] = [];
  if (props.blobMounting ?? true) {
    parts.push('blob mounting ENABLED');
  }
  if (props.registryPolicyScope) {
    parts.push(`registry policy scope ${props.registryPolicyScope}`);
  }
  if (props.basicScanTypeVersion) {
    parts.push(`basic scan type ${props.basicScanTypeVersion}`);
  }
  if (props.creationTemplates ?? true) {
    parts.push(`creation template ${encryption.describe()}`);
  }
  if (props.scanning) {
    parts.push(`${props.scanning.scanType} scanning`);
  }
  if ((props.replication ?? []).length > 0) {
    parts.push(`${props.replication!.length} replication rule(s)`);
  }
  return `Amazon ECR registry baseline (cdk-ecr-shared-layers): ${parts.join(', ') || 'no settings'}`;
}

function checkList(scope: Construct, name: string, values: string[], pattern: RegExp, expected: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (Token.isUnresolved(value)) {
      continue;
    }
    if (!pattern.test(value)) {
      fail(scope, 'stackSetInvalidListEntry', `Invalid entry ${show(value)} in ${name}: expected ${expected}.`);
    }
    if (seen.has(value)) {
      fail(scope, 'stackSetDuplicateListEntry', `${name} lists ${show(value)} twice: list each at most once.`);
    }
    seen.add(value);
  }
}

function checkPercentage(scope: Construct, name: string, value: number, min: number): void {
  if (Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > 100) {
    fail(scope, 'stackSetInvalidPercentage', `Invalid ${name} ${show(value)}: expected a whole number from ${min} to 100 (a percentage of the target accounts per region).`);
  }
}

function checkEnum(scope: Construct, name: string, value: string | undefined, values: object, type: string): void {
  const allowed = Object.values(values) as string[];
  if (value !== undefined && !allowed.includes(value)) {
    fail(scope, 'stackSetInvalidEnumValue', `Invalid ${name} ${show(value)}: expected one of ${allowed.join(', ')} (${type}).`);
  }
}

function validateStackSetName(scope: Construct, name: string): void {
  if (!Token.isUnresolved(name) && !STACK_SET_NAME.test(name)) {
    fail(scope, 'stackSetInvalidName', `Invalid stackSetName ${show(name)}: expected a letter followed by letters, digits or '-', at most 128 characters.`);
  }
}
