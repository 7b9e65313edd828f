/** Signatures the SDK's wire form uses for special values (runtime/rpc.js). */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** How `--json` and the printed plan show a secret (as the Pulumi CLI shows one). */
export const SECRET_MASK = "[secret]";

/**
 * Turns an input in wire form into plain, stable JSON: secrets masked, assets and archives as
 * `{ "asset": { "path" | "text" | "uri": ... } }` / `{ "archive": { "path" | "uri" | "assets": ... } }`,
 * object keys sorted, unknowns kept as the engine's sentinel string.
 */
export function toPlanValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toPlanValue);
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  switch (o[SIG]) {
    case SECRET_SIG:
      return SECRET_MASK;
    case ASSET_SIG:
      return { asset: pick(o, ["path", "text", "uri"]) };
    case ARCHIVE_SIG:
      return { archive: o.assets ? { assets: toPlanValue(o.assets) } : pick(o, ["path", "uri"]) };
    case RESOURCE_SIG:
      return (o.id as string | undefined) || o.urn;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) if (!k.startsWith("__")) out[k] = toPlanValue(o[k]);
  return out;
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
