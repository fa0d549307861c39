import { Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { IConstruct } from 'constructs';
import { error, fail, show } from '../private/errors';

// Checked 2026 against https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutRegistryScanningConfiguration.html,
// API_RegistryScanningRule.html and API_ScanningRepositoryFilter.html: scanType BASIC | ENHANCED;
// at most 2 rules; 0-100 WILDCARD filters per rule, 1-255 characters, pattern below;
// scanFrequency SCAN_ON_PUSH | CONTINUOUS_SCAN | MANUAL, and BASIC supports SCAN_ON_PUSH only.
// Here each rule is one scan frequency, so there are at most 2 rules by construction.

const MAX_FILTERS = 100;
const MAX_FILTER_LENGTH = 255;
const SCANNING_FILTER = /^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$/;

/**
 * Options of `RegistryScanning.basic`.
 */
export interface BasicScanningOptions {
  /**
   * Wildcard filters of the repositories scanned on push (`*` matches any characters), for example
   * `['*']` or `['prod/*']`. An empty list scans nothing automatically.
   *
   * @default ['*']
   */
  readonly scanOnPush?: string[];
}

/**
 * Options of `RegistryScanning.enhanced`.
 */
export interface EnhancedScanningOptions {
  /**
   * Wildcard filters of the repositories scanned on push (`*` matches any characters).
   *
   * @default ['*']
   */
  readonly scanOnPush?: string[];

  /**
   * Wildcard filters of the repositories scanned continuously (Amazon Inspector rescans them when
   * new vulnerabilities are published), for example `['prod/*']`.
   *
   * @default - no repository is scanned continuously
   */
  readonly continuous?: string[];
}

/**
 * The image scanning configuration of a registry (`AWS::ECR::RegistryScanningConfiguration`):
 * basic scanning (scan on push) or enhanced scanning with Amazon Inspector (scan on push and
 * continuous), each with wildcard repository filters.
 *
 * @example
 * RegistryScanning.enhanced({ scanOnPush: ['*'], continuous: ['prod/*'] });
 */
export class RegistryScanning {
  /**
   * Basic scanning: repositories matching the filters are scanned on push.
   */
  public static basic(options: BasicScanningOptions = {}): RegistryScanning {
    // Plain JavaScript callers can pass anything: BASIC has no continuous scanning.
    const continuous = (options as EnhancedScanningOptions).continuous;
    if (continuous !== undefined && continuous.length > 0) {
      throw error('basicScanningWithContinuousFilters', `RegistryScanning.basic() got continuous filters ${show(continuous)}, but continuous scanning (CONTINUOUS_SCAN) needs enhanced scanning. Use RegistryScanning.enhanced({ continuous }) instead.`);
    }
    return new RegistryScanning('BASIC', options.scanOnPush ?? ['*'], []);
  }

  /**
   * Enhanced scanning with Amazon Inspector: repositories matching `continuous` are scanned
   * continuously, those matching `scanOnPush` on push.
   */
  public static enhanced(options: EnhancedScanningOptions = {}): RegistryScanning {
    return new RegistryScanning('ENHANCED', options.scanOnPush ?? ['*'], options.continuous ?? []);
  }

  /** `BASIC` or `ENHANCED`. */
  public readonly scanType: string;
  /** Wildcard filters of the repositories scanned on push. */
  public readonly scanOnPush: string[];
  /** Wildcard filters of the repositories scanned continuously (enhanced scanning only). */
  public readonly continuous: string[];

  protected constructor(scanType: string, scanOnPush: string[], continuous: string[]) {
    this.scanType = scanType;
    this.scanOnPush = [...scanOnPush];
    this.continuous = [...continuous];
  }

  /**
   * Checks the filters; throws naming `scope`.
   * @internal
   */
  public _validate(scope: IConstruct): void {
    validateFilters(scope, 'scanOnPush', this.scanOnPush);
    validateFilters(scope, 'continuous', this.continuous);
  }

  /**
   * The CloudFormation rules: one per scan frequency that has filters.
   * @internal
   */
  public _renderRules(): ecr.CfnRegistryScanningConfiguration.ScanningRuleProperty[] {
    const rules: ecr.CfnRegistryScanningConfiguration.ScanningRuleProperty[] = [];
    for (const [scanFrequency, filters] of [['CONTINUOUS_SCAN', this.continuous], ['SCAN_ON_PUSH', this.scanOnPush]] as const) {
      if (filters.length > 0) {
        rules.push({ scanFrequency, repositoryFilters: filters.map((filter) => ({ filter, filterType: 'WILDCARD' })) });
      }
    }
    return rules;
  }
}

function validateFilters(scope: IConstruct, what: string, filters: string[]): void {
  if (filters.length > MAX_FILTERS) {
    fail(scope, 'scanningTooManyFilters', `The ${what} scanning rule has ${filters.length} filters, but a rule takes at most ${MAX_FILTERS}. Use wildcards ('prod/*') to cover more repositories with one filter.`);
  }
  const seen = new Set<string>();
  for (const filter of filters) {
    if (Token.isUnresolved(filter)) {
      continue;
    }
    if (filter.length < 1 || filter.length > MAX_FILTER_LENGTH || !SCANNING_FILTER.test(filter)) {
      fail(scope, 'invalidScanningFilter', `Invalid ${what} scanning filter ${show(filter)}: expected 1-${MAX_FILTER_LENGTH} characters of lower-case letters, digits, '.', '_', '-', '/' and the wildcard '*' (ECR's pattern ${SCANNING_FILTER.source}), for example '*' or 'prod/*'.`);
    }
    if (seen.has(filter)) {
      fail(scope, 'duplicateScanningFilter', `The ${what} scanning filter ${show(filter)} is given twice: give each filter once.`);
    }
    seen.add(filter);
  }
}
