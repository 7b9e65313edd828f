import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as fs from "fs";
import { physicalName, StackContext } from "../naming";
import { ArtifactStore } from "./artifact-store";
import { PipelineConfig } from "./pipeline-config";
import { DeliveryNotifications } from "./pipeline-notifications";
import { HookArtifact, PreTrafficHook } from "./pre-traffic-hook";
import { ProdPipeline } from "./prod-pipeline";
import { StagingPipeline } from "./staging-pipeline";

export interface DeliveryArgs {
  readonly context: StackContext;
  /** `serverless:pipeline` validated; undefined: the stack has no pipeline (hook and notifications only). */
  readonly pipeline?: PipelineConfig;
  /** Logical names of the stack's functions (their folders). */
  readonly functions: string[];
  readonly alertTopicArn: pulumi.Input<string>;
  readonly codeDeployApplicationName: pulumi.Input<string>;
  /** The built pre-traffic hook (loadHookArtifact). */
  readonly hookArtifact: HookArtifact;
  /** @default 14 */
  readonly logRetentionDays?: number;
}

export function validateDeliveryArgs(name: string, a: DeliveryArgs): void {
  if (!a.functions.length) throw new Error(`Delivery "${name}": \`functions\` is empty; there is nothing to deliver.`);
}

/**
 * Everything that releases the stack's functions: the pre-traffic hook every deployment group
 * runs, notifications of pipelines and deployments, and the pipeline the stack's config asks for
 * (built from source with its release bucket, or promoted from another stack).
 */
export class Delivery extends pulumi.ComponentResource {
  /** Physical name of the BeforeAllowTraffic hook (stack output `preTrafficHook` for tools/deploy). */
  readonly preTrafficHookName: pulumi.Output<string>;
  readonly preTrafficHookArn: pulumi.Output<string>;
  readonly pipelineName?: pulumi.Output<string>;
  readonly releaseBucketName?: pulumi.Output<string>;

  constructor(name: string, args: DeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
    validateDeliveryArgs(name, args);
    super("serverless:delivery:Delivery", name, {}, opts);
    const ctx = args.context;
    const parent = { parent: this };
    const functionNames = [...args.functions].sort().map((f) => physicalName(ctx, f));
    const retention = args.logRetentionDays ?? 14;

    const hook = new PreTrafficHook(
      `${name}-pre-traffic`,
      { context: ctx, artifact: args.hookArtifact, functionNames, codeDeployApplicationName: args.codeDeployApplicationName, alertTopicArn: args.alertTopicArn, logRetentionDays: retention },
      parent,
    );
    this.preTrafficHookName = hook.functionName;
    this.preTrafficHookArn = hook.functionArn;

    const pipelines: string[] = [];
    const cfg = args.pipeline;
    if (cfg?.promotesFrom) {
      const prod = new ProdPipeline(`${name}-pipeline`, { context: ctx, pipeline: cfg, alertTopicArn: args.alertTopicArn, logRetentionDays: retention }, parent);
      this.pipelineName = prod.pipelineName;
      this.releaseBucketName = prod.sourceBucketName;
      pipelines.push(physicalName(ctx, "release"));
    } else if (cfg) {
      const store = new ArtifactStore(`${name}-store`, { context: ctx, retentionDays: cfg.artifactRetentionDays }, parent);
      const staging = new StagingPipeline(`${name}-pipeline`, { context: ctx, pipeline: cfg, releaseBucketName: store.bucketName, functionNames, logRetentionDays: retention }, parent);
      this.pipelineName = staging.pipelineName;
      this.releaseBucketName = store.bucketName;
      pipelines.push(physicalName(ctx, "release"));
    }
    new DeliveryNotifications(`${name}-notifications`, { context: ctx, alertTopicArn: args.alertTopicArn, pipelineNames: pipelines, codeDeployApplicationName: args.codeDeployApplicationName }, parent);

    this.registerOutputs({
      preTrafficHookName: this.preTrafficHookName,
      preTrafficHookArn: this.preTrafficHookArn,
      pipelineName: this.pipelineName,
      releaseBucketName: this.releaseBucketName,
    });
  }
}

/**
 * The built hook zip and its sha256; an error naming the file and the fix when it is missing, or
 * when it is not the zip the build recorded (`expectedSha256`, the manifest's `hooks` entry).
 */
export function loadHookArtifact(zipPath: string, expectedSha256?: string): HookArtifact {
  let data: Buffer;
  try {
    data = fs.readFileSync(zipPath);
  } catch {
    throw new Error(`${zipPath}: the pre-traffic hook is not built; run \`npm run build\` (it bundles hooks/pre-traffic with the functions).`);
  }
  const sha256 = createHash("sha256").update(data).digest("hex");
  if (expectedSha256 !== undefined && sha256 !== expectedSha256)
    throw new Error(`${zipPath}: sha256 ${sha256} is not the ${expectedSha256} its build manifest records; the hook was rebuilt or replaced on its own. Run \`npm run build\` again.`);
  return { zipPath, sha256 };
}
