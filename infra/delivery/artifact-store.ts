import * as pulumi from "@pulumi/pulumi";
import { StackContext } from "../naming";
import { bucketNameLength, deliveryNames } from "./names";
import { RELEASE_PREFIXES } from "./release-layout";
import { SecureBucket } from "./secure-bucket";

export interface ArtifactStoreArgs {
  readonly context: StackContext;
  /**
   * Days a build's artifacts (`artifacts/<commit>/`) and any replaced object version are kept.
   * Promotion records are kept for good (a few KB each): they are the release history.
   * @default 90
   */
  readonly retentionDays?: number;
}

export const ARTIFACT_STORE_DEFAULTS = { retentionDays: 90 } as const;

export function validateArtifactStoreArgs(name: string, a: ArtifactStoreArgs): void {
  const days = a.retentionDays ?? ARTIFACT_STORE_DEFAULTS.retentionDays;
  if (!Number.isInteger(days) || days < 1 || days > 3650)
    throw new Error(`ArtifactStore "${name}": \`retentionDays\` must be a whole number 1-3650; got ${days}.`);
  const length = bucketNameLength(a.context, a.context.region);
  if (length > 63)
    throw new Error(
      `ArtifactStore "${name}": the bucket name for project "${a.context.project}", stack "${a.context.stack}" would be ${length} characters; S3 allows 63. Use a shorter stack name.`,
    );
}

/**
 * The release bucket of a stack that builds from source: every build's zips and manifest keyed by
 * commit, and the promotion records a promoted stack (prod) deploys from (layout in
 * release-layout.ts). Versioned, so a record or zip overwritten by mistake can be recovered, and
 * so S3 source actions can name the exact version they read.
 */
export class ArtifactStore extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;

  constructor(name: string, args: ArtifactStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    validateArtifactStoreArgs(name, args);
    super("serverless:delivery:ArtifactStore", name, {}, opts);
    const ctx = args.context;
    const days = args.retentionDays ?? ARTIFACT_STORE_DEFAULTS.retentionDays;
    const bucket = new SecureBucket(
      `${name}-release`,
      {
        context: ctx,
        bucketName: deliveryNames(ctx, ctx.accountId, ctx.region).releaseBucket,
        expireCurrent: { [RELEASE_PREFIXES.artifacts]: days },
        noncurrentVersionDays: days,
        // The prod pipeline starts on `promotions/latest.json` being written (EventBridge, not polling).
        eventBridge: true,
      },
      { parent: this },
    );
    this.bucketName = bucket.bucketName;
    this.bucketArn = bucket.bucketArn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
