/**
 * Which Lambda function (and which version of it) a `functionName`-style input names.
 *
 * Lambda APIs accept a function as a name, a partial ARN (`<account>:function:<name>`) or a full
 * ARN, each optionally followed by `:<qualifier>` (PutRuntimeManagementConfig's FunctionName
 * pattern). The pack cannot ask AWS, so it compares the name segment with the function's `name`
 * input; region is compared when both sides state one, the account never (a stack deploys into one
 * account and the pack does not know which).
 */
import type { Match } from "./alarms";
import { isUnknown } from "./values";

export interface FunctionRef {
  /** The function name segment; undefined when the reference is unknown at preview. */
  name?: string;
  /** Region segment of a full ARN, when present. */
  region?: string;
  /** `:<qualifier>` suffix, when present. */
  qualifier?: string;
}

// Hand-written: no library parses Lambda's name-or-ARN forms. An interpolated reference with any
// unknown part is wholly unknown (Outputs, and the pack's rawProps, do not keep partial strings).
const REF = /^(?:arn:aws[a-zA-Z-]*:lambda:(?<region>[^:]*):(?<account>[^:]*):function:|(?<partialAccount>[^:]+):function:)?(?<name>[^:]+)(?::(?<qualifier>[^:]+))?$/;

/** Parses a function reference; undefined when it is not a string of any accepted form. */
export function parseFunctionRef(v: unknown): FunctionRef | undefined {
  if (isUnknown(v)) return {};
  if (typeof v !== "string" || v === "") return undefined;
  const m = REF.exec(v);
  if (!m?.groups) return undefined;
  const { name, region, qualifier } = m.groups;
  return { name, region, qualifier };
}

/** Three-valued: does `ref` (with an optional separate `qualifier` input) name `$LATEST`? */
export function targetsLatest(ref: FunctionRef, qualifier: unknown): Match {
  const parts = [ref.qualifier, qualifier].filter((q) => q !== undefined && q !== null && q !== "");
  if (parts.some(isUnknown)) return "unknown";
  return parts.every((q) => q === "$LATEST") ? "yes" : "no";
}

/**
 * Three-valued: does the reference name the function called `fnName`? Regions are compared when
 * the function, the referring resource or the ARN states one (provider-level region otherwise).
 */
export function namesFunction(ref: FunctionRef, fnName: string, fnRegion: unknown, refRegion: unknown): Match {
  if (ref.name === undefined) return "unknown";
  if (ref.name !== fnName) return "no";
  const regions = [fnRegion, refRegion, ref.region].filter((r) => r !== undefined && r !== null && r !== "");
  if (regions.some(isUnknown)) return "unknown";
  return new Set(regions).size <= 1 ? "yes" : "no";
}
