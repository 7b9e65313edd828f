import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StackContext } from "../naming";
import { deliveryArns } from "./names";

export interface SecureBucketArgs {
  readonly context: StackContext;
  /** Physical bucket name, derived (known at preview) so grants can name it. */
  readonly bucketName: pulumi.Input<string>;
  /** Current objects under each prefix expire after this many days. @default {} (nothing expires) */
  readonly expireCurrent?: Readonly<Record<string, number>>;
  /** Replaced (noncurrent) versions are deleted this many days after they stop being current. */
  readonly noncurrentVersionDays: number;
  /** Send object events to EventBridge (the prod pipeline starts on them). @default false */
  readonly eventBridge?: boolean;
}

export const SECURE_BUCKET_DEFAULTS = { expireCurrent: {} as Readonly<Record<string, number>>, eventBridge: false } as const;

export function validateSecureBucketArgs(name: string, a: SecureBucketArgs): void {
  const days = (v: number) => Number.isInteger(v) && v >= 1 && v <= 3650;
  if (!days(a.noncurrentVersionDays))
    throw new Error(`SecureBucket "${name}": \`noncurrentVersionDays\` must be a whole number 1-3650; got ${a.noncurrentVersionDays}.`);
  for (const [prefix, d] of Object.entries(a.expireCurrent ?? {})) {
    if (!days(d)) throw new Error(`SecureBucket "${name}": \`expireCurrent["${prefix}"]\` must be a whole number of days 1-3650; got ${d}.`);
    if (prefix.startsWith("/")) throw new Error(`SecureBucket "${name}": \`expireCurrent\` prefix "${prefix}" must not start with "/" (S3 keys have none).`);
  }
}

/**
 * A private S3 bucket for release artifacts: versioned, encrypted, public access blocked, owner
 * enforced (no ACLs), TLS-only, old versions expired. The v7 provider's split resources, one per
 * concern, each a child of this component.
 */
export class SecureBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;

  constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    validateSecureBucketArgs(name, args);
    super("serverless:delivery:SecureBucket", name, {}, opts);
    const ctx = args.context;
    const parent = { parent: this };

    // forceDestroy stays false: a stack removal must not silently delete the release history.
    const bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: args.bucketName, forceDestroy: false }, parent);
    const bucketId = bucket.bucket;
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      { bucket: bucketId, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      parent,
    );
    const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucketId, versioningConfiguration: { status: "Enabled" } }, parent);
    // SSE-S3 (AES256), not aws:kms: the artifacts are code, not secrets, and a KMS key would need a
    // key policy granting CodePipeline, CodeBuild and every role that reads an artifact, with key
    // ARNs unknown at preview (the pack could not verify them). SSE-S3 encrypts at rest with no grants.
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      { bucket: bucketId, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      parent,
    );
    const expire = Object.entries(args.expireCurrent ?? SECURE_BUCKET_DEFAULTS.expireCurrent).sort(([a], [b]) => a.localeCompare(b));
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucketId,
        rules: [
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: { prefix: "" },
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
          ...expire.map(([prefix, days]) => ({
            id: `expire-${prefix.replace(/[^A-Za-z0-9]+/g, "-").replace(/-+$/, "") || "all"}`,
            status: "Enabled",
            filter: { prefix },
            expiration: { days },
          })),
        ],
      },
      // S3 refuses noncurrent-version rules on a bucket whose versioning is not yet enabled.
      { parent: this, dependsOn: [versioning] },
    );
    this.bucketName = bucketId;
    this.bucketArn = deliveryArns.bucket(ctx, bucketId);
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucketId,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [this.bucketArn, pulumi.interpolate`${this.bucketArn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
      parent,
    );
    if (args.eventBridge ?? SECURE_BUCKET_DEFAULTS.eventBridge)
      new aws.s3.BucketNotification(`${name}-eventbridge`, { bucket: bucketId, eventbridge: true }, parent);

    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
