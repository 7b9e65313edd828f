import * as fs from "node:fs";
import * as path from "node:path";
import { Writable } from "node:stream";

export const REPO_ROOT = path.resolve(__dirname, "../..");

/**
 * A folder under tests/plan (not the system temp folder): a policy pack and a program there
 * resolve `@pulumi/*` from the repository's node_modules, as a project of this repository would.
 */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(__dirname, `.tmp-${prefix}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes files (relative path -> content) into a folder. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

export const PROJECT_YAML = `name: fixture
runtime: nodejs
config:
  count:
    type: integer
    default: 1
  publicBucket:
    type: boolean
    default: false
`;

/** A small program: per count a component with a role, a function on that role's ARN, an alias and a bucket. */
export const PROGRAM_TS = `
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

class App extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("fixture:app:App", name, {}, opts);
    const role = new aws.iam.Role(\`\${name}-role\`, {
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
    }, { parent: this });
    const fn = new aws.lambda.Function(\`\${name}-fn\`, {
      name: \`fixture-\${pulumi.getStack()}-\${name}\`,
      role: role.arn,
      runtime: "nodejs22.x",
      handler: "index.handler",
      code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => 1;") }),
      environment: { variables: { TOKEN: pulumi.secret("s3cr3t") } },
    }, { parent: this });
    new aws.lambda.Alias(\`\${name}-live\`, { name: "live", functionName: fn.name, functionVersion: fn.version }, { parent: this });
    const config = new pulumi.Config();
    new aws.s3.Bucket(\`\${name}-bucket\`, { tags: { public: String(config.getBoolean("publicBucket") ?? false) } }, { parent: this });
    this.registerOutputs({});
  }
}

const config = new pulumi.Config();
const caller = aws.getCallerIdentityOutput();
export const accountArn = pulumi.interpolate\`arn:aws:iam::\${caller.accountId}:root\`;
for (let i = 0; i < config.requireNumber("count"); i++) new App(\`app\${i}\`);
`;

/** A policy pack in plain JavaScript (no compile step): refuses buckets tagged public=true. */
export const PACK_FILES: Record<string, string> = {
  "PulumiPolicy.yaml": "runtime: nodejs\ndescription: fixture pack\n",
  "package.json": JSON.stringify({ name: "fixture-pack", version: "0.0.1", main: "index.js" }),
  "index.js": `
const { PolicyPack } = require("@pulumi/policy");
new PolicyPack("fixture-pack", {
  policies: [
    {
      name: "no-public-bucket",
      description: "Buckets are private.",
      enforcementLevel: "mandatory",
      validateResource: (args, reportViolation) => {
        if (args.type === "aws:s3/bucket:Bucket" && args.props.tags && args.props.tags.public === "true")
          reportViolation("bucket is tagged public. Fix: set publicBucket: false.");
      },
    },
    {
      name: "prefer-arm64",
      description: "Functions should run on arm64.",
      enforcementLevel: "advisory",
      validateResource: (args, reportViolation) => {
        if (args.type === "aws:lambda/function:Function" && !(args.props.architectures || []).includes("arm64"))
          reportViolation("runs on x86_64. Fix: set architectures: [\\"arm64\\"].");
      },
    },
  ],
});
`,
};

/** A program folder with the given stack files (name -> YAML). */
export function fixtureProgram(stacks: Record<string, string>, program = PROGRAM_TS): string {
  const dir = tempDir("program");
  const files: Record<string, string> = { "Pulumi.yaml": PROJECT_YAML, "index.ts": program };
  for (const [name, yaml] of Object.entries(stacks)) files[`Pulumi.${name}.yaml`] = yaml;
  return writeFiles(dir, files);
}

/** Collects what the CLI writes. */
export function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}
