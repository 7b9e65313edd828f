// npm run promote -- --stack staging --bucket <name> --commit <sha> [--manifest dist/manifest.json] [--verification verification.json] [--source .]
import { S3Client } from "@aws-sdk/client-s3";
import * as fs from "fs";
import * as path from "path";
import { readManifest } from "../build/manifest";
import { parseFlags, requireStack } from "../deploy/args";
import { CannotStartError, UsageError } from "../deploy/errors";
import { readVerificationResult } from "../verify/result";
import { PromotionRefusedError, readHookZip, RELEASE_HOOKS, runPromotion } from "./promote";
import { createS3Client } from "./s3";

const USAGE = `usage: npm run promote -- --stack <name> --bucket <release bucket> --commit <sha> [--manifest dist/manifest.json] [--verification verification.json] [--source .]
Checks that the verification passed for this commit and that the bucket holds exactly the manifest's
artifacts, then writes promotions/<commit>.json and promotions/latest.zip (the source tree at --source
plus promotion.json), which starts the prod pipeline. PIPELINE_EXECUTION_ID, when set, is recorded.
Exit 0: promoted; 1: refused (the reason is printed) or failed; 2: bad arguments or input files.`;

export interface PromoteCliDeps {
  readonly s3?: S3Client;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => Date;
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
}

export async function main(argv: string[], deps: PromoteCliDeps = {}): Promise<number> {
  const out = deps.out ?? ((t: string) => process.stdout.write(t));
  const err = deps.err ?? ((t: string) => process.stderr.write(t));
  const env = deps.env ?? process.env;
  try {
    const flags = parseFlags(argv, {
      stack: { type: "string" },
      bucket: { type: "string" },
      commit: { type: "string" },
      manifest: { type: "string", default: "dist/manifest.json" },
      verification: { type: "string", default: "verification.json" },
      source: { type: "string", default: "." },
      help: { type: "boolean", short: "h" },
    });
    if (flags.help) return out(`${USAGE}\n`), 0;
    const stack = requireStack(flags.stack);
    if (!flags.bucket) throw new UsageError("--bucket <name> is required: the stack's release bucket (ARTIFACT_BUCKET in the pipeline).");
    if (!flags.commit) throw new UsageError("--commit <sha> is required: the commit the pipeline built and verified (COMMIT in the pipeline).");
    if (!/^[0-9a-f]{7,40}$/.test(flags.commit)) throw new UsageError(`--commit: must be a git sha (7-40 lowercase hex characters); got "${flags.commit}".`);
    const manifestFile = flags.manifest!;
    let manifest;
    let manifestBytes: Buffer;
    try {
      manifest = readManifest(manifestFile);
      manifestBytes = fs.readFileSync(manifestFile);
    } catch (e) {
      throw new CannotStartError(`--manifest: ${(e as Error).message}`);
    }
    let verification;
    try {
      verification = readVerificationResult(flags.verification!);
    } catch (e) {
      throw new CannotStartError((e as Error).message);
    }
    const hooks = Object.fromEntries(Object.entries(RELEASE_HOOKS).map(([name, rel]) => [name, readHookZip(path.join(path.dirname(manifestFile), rel))]));

    const promotion = await runPromotion({
      stack,
      bucket: flags.bucket,
      commit: flags.commit,
      manifest,
      manifestBytes,
      verification,
      hooks,
      sourceDir: flags.source!,
      s3: deps.s3 ?? createS3Client(),
      pipelineExecutionId: env.PIPELINE_EXECUTION_ID || undefined,
      now: deps.now,
      log: (line) => out(`${line}\n`),
    });
    out(`Promoted ${promotion.record.commit} from ${stack}: ${promotion.record.artifacts.length} artifacts, ${promotion.record.verification.checks.length} verified examples.\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return err(`${e.message}\n${USAGE}\n`), 2;
    if (e instanceof CannotStartError) return err(`${e.message}\n`), 2;
    if (e instanceof PromotionRefusedError) return err(`${e.message}\n`), 1;
    err(`promote: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
