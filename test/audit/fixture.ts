/**
 * A realistic registry, generated deterministically (a seeded generator, no randomness at run
 * time): 20 services on 3 base images with several versions each, some multi-arch (OCI index of
 * amd64 + arm64), Docker v2 and OCI manifests, in two encryption islands (17 AES256, 3 KMS).
 * Used by the moto integration test and by `npx projen audit:fixture` (README "Measure your savings").
 */
import { createHash } from 'crypto';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';

export const FIXTURE_KMS_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1b2c3d4e-0000-4000-8000-00000000f1c5';

/** A seeded generator (SHA-256 of seed and counter), so every run builds the same registry. */
function seeded(seed: number): () => number {
  let counter = 0;
  return () => createHash('sha256').update(`${seed}:${counter++}`).digest().readUInt32BE(0) / 2 ** 32;
}

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

interface Blob { readonly digest: string; readonly size: number }

export interface FixtureImage {
  readonly tag: string;
  /** Pushed first, by digest (the children of an index). */
  readonly children: readonly string[];
  readonly manifest: string;
}

export interface FixtureRepository {
  readonly name: string;
  readonly encryption: { readonly type: 'AES256' } | { readonly type: 'KMS'; readonly kmsKey: string };
  readonly images: readonly FixtureImage[];
}

const MIB = 1024 * 1024;
const BASES = [
  { name: 'debian-bookworm-slim', layers: 1, mib: [28, 30] },
  { name: 'node-22', layers: 4, mib: [5, 45] },
  { name: 'python-3.12', layers: 3, mib: [6, 40] },
] as const;
const BASE_VERSIONS = 3;
const SERVICES = 20;
const VERSIONS_PER_SERVICE = 4;
/** Services 17, 18 and 19 use a customer managed key: the second island. */
const KMS_SERVICES = new Set([17, 18, 19]);
/** Every fourth service is multi-arch. */
const isMultiArch = (service: number) => service % 4 === 1;

export function buildFixture(seed = 20260125): FixtureRepository[] {
  const random = seeded(seed);
  const size = (min: number, max: number) => Math.round((min + random() * (max - min)) * MIB);
  // base layers by base, version and architecture
  const baseLayers = new Map<string, Blob[]>();
  for (const base of BASES) {
    for (let v = 1; v <= BASE_VERSIONS; v++) {
      for (const arch of ['amd64', 'arm64']) {
        const layers: Blob[] = [];
        for (let l = 0; l < base.layers; l++) {
          layers.push({ digest: sha256(`${base.name}:${v}:${arch}:layer${l}`), size: size(base.mib[0], base.mib[1]) });
        }
        baseLayers.set(`${base.name}:${v}:${arch}`, layers);
      }
    }
  }

  const repositories: FixtureRepository[] = [];
  for (let s = 0; s < SERVICES; s++) {
    const name = `services/svc-${String(s + 1).padStart(2, '0')}`;
    const base = BASES[s % BASES.length];
    const oci = s % 2 === 0;
    const images: FixtureImage[] = [];
    for (let version = 1; version <= VERSIONS_PER_SERVICE; version++) {
      // Older service versions sit on older base versions: 1, 2, 3, 3.
      const baseVersion = Math.min(version, BASE_VERSIONS);
      const manifestFor = (arch: string) => {
        const config = { digest: sha256(`${name}:${version}:${arch}:config`), size: 1200 + Math.round(random() * 6000) };
        const app = [0, 1].map((l) => ({ digest: sha256(`${name}:${version}:${arch}:app${l}`), size: size(0.2, 12) }));
        const layers = [...baseLayers.get(`${base.name}:${baseVersion}:${arch}`)!, ...app];
        const layerType = oci ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.docker.image.rootfs.diff.tar.gzip';
        return JSON.stringify({
          schemaVersion: 2,
          mediaType: oci ? 'application/vnd.oci.image.manifest.v1+json' : 'application/vnd.docker.distribution.manifest.v2+json',
          config: { mediaType: oci ? 'application/vnd.oci.image.config.v1+json' : 'application/vnd.docker.container.image.v1+json', ...config },
          layers: layers.map((l) => ({ mediaType: layerType, ...l })),
        });
      };
      if (isMultiArch(s)) {
        const children = ['amd64', 'arm64'].map(manifestFor);
        const index = JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: children.map((child, i) => ({
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: sha256(child),
            size: Buffer.byteLength(child),
            platform: { os: 'linux', architecture: i === 0 ? 'amd64' : 'arm64' },
          })),
        });
        images.push({ tag: `v${version}`, children, manifest: index });
      } else {
        images.push({ tag: `v${version}`, children: [], manifest: manifestFor('amd64') });
      }
    }
    repositories.push({
      name,
      encryption: KMS_SERVICES.has(s) ? { type: 'KMS', kmsKey: FIXTURE_KMS_KEY } : { type: 'AES256' },
      images,
    });
  }
  return repositories;
}

/** Creates the repositories and pushes every manifest through the ECR API (children of an index first, by digest). */
export async function loadFixture(client: ECRClient, repositories: readonly FixtureRepository[]): Promise<void> {
  for (const repo of repositories) {
    await client.send(new CreateRepositoryCommand({
      repositoryName: repo.name,
      encryptionConfiguration: repo.encryption.type === 'KMS'
        ? { encryptionType: 'KMS', kmsKey: repo.encryption.kmsKey }
        : { encryptionType: 'AES256' },
    }));
    for (const image of repo.images) {
      for (const child of image.children) {
        await client.send(new PutImageCommand({ repositoryName: repo.name, imageManifest: child, imageDigest: sha256(child) }));
      }
      await client.send(new PutImageCommand({ repositoryName: repo.name, imageManifest: image.manifest, imageTag: image.tag }));
    }
  }
}
