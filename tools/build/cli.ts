import * as path from "path";
import { parseArgs } from "util";
import { BuildError, buildFunctions } from "./build";
import { MANIFEST_FILE } from "./manifest";

const USAGE = "usage: npm run build -- [--functions <dir>] [--out <dir>] [--only <name,...>]";

/** Where the command writes: a person reads `out`, `err` carries warnings and failures. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

const PROCESS_OUTPUT: CliOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** The defaults of `npm run build`. */
export const CLI_DEFAULTS = { functions: "functions", out: "dist" } as const;

/**
 * `npm run build`: bundles every function, writes `<out>/<name>.zip`, the pre-traffic hook's
 * `<out>/hooks/pre-traffic.zip` (when the project has hooks/pre-traffic) and `<out>/manifest.json`.
 * Exit codes: 0 built, 1 the build failed (esbuild errors), 2 bad input (arguments, settings).
 */
export async function main(argv: readonly string[], io: CliOutput = PROCESS_OUTPUT): Promise<number> {
  let values: { functions?: string; out?: string; only?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        functions: { type: "string" },
        out: { type: "string" },
        only: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const outDir = values.out ?? CLI_DEFAULTS.out;
  const only = values.only?.split(",").map((s) => s.trim()).filter(Boolean);
  const started = process.hrtime.bigint();
  try {
    const manifest = await buildFunctions({
      functionsDir: values.functions ?? CLI_DEFAULTS.functions,
      outDir,
      only,
      onWarning: (w) => io.err(`warning: ${w}\n`),
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const width = Math.max(...manifest.functions.map((f) => f.name.length));
    for (const f of manifest.functions)
      io.out(`  ${f.name.padEnd(width)}  ${(f.bytes / 1024).toFixed(1).padStart(8)} KiB  sha256 ${f.sha256}\n`);
    for (const h of manifest.hooks ?? []) io.out(`  hook ${h.name}: ${h.zip}  ${(h.bytes / 1024).toFixed(1)} KiB  sha256 ${h.sha256}\n`);
    io.out(
      `Built ${manifest.functions.length} function(s)${manifest.hooks?.length ? ` and ${manifest.hooks.length} hook(s)` : ""} in ${seconds.toFixed(2)} s; commit ${manifest.commit}; wrote ${path.join(outDir, MANIFEST_FILE)}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof BuildError) {
      io.err(`build: ${e.message}\n`);
      return e.exitCode;
    }
    io.err(`build: unexpected failure: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
