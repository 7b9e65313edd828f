/** CodeBuild build images are versioned: a floating tag rebuilds the same commit with other tools. */
import { ResourceRule, unverifiable, violation } from "../lib/rule";
import { T } from "../lib/resources";
import { at, isUnknown } from "../lib/values";

export interface CodebuildImageConfig {
  /** Tags treated as floating (compared case-insensitively). */
  floatingTags: string[];
}

/** Splits `registry:port/repo:tag@sha256:…` into its tag and digest (the tag follows the last `/`). */
export function imageReference(image: string): { tag?: string; digest?: string } {
  const [name, digest] = image.split("@", 2);
  const lastSlash = name.lastIndexOf("/");
  const colon = name.indexOf(":", lastSlash + 1);
  return { tag: colon >= 0 ? name.slice(colon + 1) : undefined, digest };
}

export const codebuildImagePinned: ResourceRule<CodebuildImageConfig> = {
  kind: "resource",
  name: "codebuild-image-pinned",
  description: "CodeBuild projects use a versioned build image (a version tag or a digest), never `latest` or no tag.",
  types: [T.codebuildProject],
  defaults: { floatingTags: ["latest"] },
  configSchema: {
    properties: {
      floatingTags: { type: "array", items: { type: "string" }, default: ["latest"], description: "Tags refused as unversioned." },
    },
  },
  check(r, config) {
    const image = at(r.props, "environment.image");
    if (isUnknown(image))
      return [unverifiable(this.name, r, "environment.image", "that the build image is versioned", "write the image as a literal such as aws/codebuild/standard:7.0")];
    if (typeof image !== "string" || image === "")
      return [violation(this.name, r, "has no `environment.image`.", "set environment.image to a versioned image such as aws/codebuild/standard:7.0.")];
    const { tag, digest } = imageReference(image);
    if (digest) return [];
    const floating = config.floatingTags.map((t) => t.toLowerCase());
    if (!tag || floating.includes(tag.toLowerCase()))
      return [violation(this.name, r, `build image \`${image}\` is ${tag ? `tagged \`${tag}\`` : "untagged (implicitly latest)"}, so builds of the same commit can use different tools.`,
        "use a versioned tag (aws/codebuild/standard:7.0) or a digest (@sha256:…).")];
    return [];
  },
};
