// The module generate-registry.ts writes at build time (esbuild plugin in build.ts); declared
// here so handler.ts type-checks without a generated file in the repository.
import type { Registry } from "./registry";

export declare const registry: Registry;
