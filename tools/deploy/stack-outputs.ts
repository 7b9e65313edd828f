import { execFile } from "child_process";
import * as fs from "fs";
import { promisify } from "util";
import { z } from "zod";
import { CannotStartError } from "./errors";

/** What the Pulumi program exports for one function (see infra/ and docs/architecture.md). */
export interface FunctionOutput {
  readonly functionName: string;
  readonly aliasName: string;
  readonly codeDeployApplication: string;
  readonly deploymentGroup: string;
  /** The version `pulumi up` published; the `live` alias still points at the old one. */
  readonly version: string;
  readonly sha256: string;
}

export interface StackOutputs {
  readonly functions: Readonly<Record<string, FunctionOutput>>;
  readonly preTrafficHook?: string;
  readonly postTrafficHook?: string;
}

const nonEmpty = z.string().min(1);
const functionOutput = z.object({
  functionName: nonEmpty,
  aliasName: nonEmpty,
  codeDeployApplication: nonEmpty,
  deploymentGroup: nonEmpty,
  // Pulumi exports a Lambda version as a string; accept a number too and normalise.
  version: z.union([z.string().regex(/^\d+$/, "must be a published version number"), z.number().int().positive()]).transform(String),
  sha256: nonEmpty,
});
const stackOutputs = z.object({
  functions: z.record(z.string(), functionOutput),
  preTrafficHook: nonEmpty.optional(),
  postTrafficHook: nonEmpty.optional(),
});

/** Validates the JSON of `pulumi stack output --json`; `source` names where it came from, for errors. */
export function parseStackOutputs(raw: unknown, source: string): StackOutputs {
  const parsed = stackOutputs.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `\`${i.path.join(".") || "(root)"}\` ${i.message}`);
    throw new CannotStartError(
      `${source}: stack outputs are not what the deploy step needs:\n  - ${problems.join("\n  - ")}\n` +
        `The program must export \`functions\` (per function: functionName, aliasName, codeDeployApplication, deploymentGroup, version, sha256); was \`pulumi up\` run for this stack?`,
    );
  }
  if (!Object.keys(parsed.data.functions).length) throw new CannotStartError(`${source}: \`functions\` is empty; the stack exports no function to deploy.`);
  return parsed.data;
}

export function readStackOutputsFile(file: string): StackOutputs {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new CannotStartError(`--outputs ${file}: cannot read (${(e as Error).message}); write it with \`pulumi stack output --json --stack <name> > ${file}\`.`);
  }
  try {
    return parseStackOutputs(JSON.parse(text), file);
  } catch (e) {
    if (e instanceof SyntaxError) throw new CannotStartError(`--outputs ${file}: not valid JSON (${e.message}).`);
    throw e;
  }
}

/** Runs the real Pulumi CLI; the CLI must be installed and logged in to the stack's backend. */
export async function readStackOutputsFromPulumi(stack: string, cwd = process.cwd()): Promise<StackOutputs> {
  const args = ["stack", "output", "--json", "--show-secrets=false", "--stack", stack];
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)("pulumi", args, { cwd, maxBuffer: 64 * 1024 * 1024 }));
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === "ENOENT")
      throw new CannotStartError(`pulumi CLI not found on PATH; install it (https://www.pulumi.com/docs/install/) or pass --outputs <file> with the JSON of \`pulumi stack output --json\`.`);
    throw new CannotStartError(`\`pulumi ${args.join(" ")}\` failed: ${(err.stderr || err.message).trim()}`);
  }
  try {
    return parseStackOutputs(JSON.parse(stdout), `pulumi stack output --stack ${stack}`);
  } catch (e) {
    if (e instanceof SyntaxError) throw new CannotStartError(`\`pulumi ${args.join(" ")}\` printed no JSON (${e.message}).`);
    throw e;
  }
}
