// A ts-node transpiler (its documented third-party transpiler API, `"ts-node": { "transpiler": ... }`
// in tsconfig.json) backed by esbuild. Everything here runs transpile-only (`npm run typecheck`
// type-checks), and TypeScript's own transpileModule cost ~10 ms a file: ~1 s of a 100-function
// plan went to compiling infra/ and tools/. esbuild does it in well under a millisecond.
// ts-node's built-in `swc` option would be the library route, but ts-node 10.9 sends options that
// current @swc/core releases reject (TypeStrong/ts-node#2059, #2070).
"use strict";
const path = require("node:path");
const esbuild = require("esbuild");

/** @type {import("ts-node").TranspilerFactory} */
exports.create = ({ service }) => {
  const ts = require(service.projectLocalResolveHelper("typescript", true));
  const o = service.config.options;
  // The compiler options that change emitted JavaScript in a type-only-erasing transpile; the rest
  // (esModuleInterop among them: esbuild always emits interop helpers) make no difference here.
  const useDefineForClassFields =
    o.useDefineForClassFields ?? (o.target === undefined ? false : o.target >= ts.ScriptTarget.ES2022);
  const tsconfigRaw = {
    compilerOptions: {
      useDefineForClassFields,
      experimentalDecorators: o.experimentalDecorators,
      verbatimModuleSyntax: o.verbatimModuleSyntax,
      preserveValueImports: o.preserveValueImports,
      importsNotUsedAsValues: o.importsNotUsedAsValues === undefined ? undefined : ["remove", "preserve", "error"][o.importsNotUsedAsValues],
    },
  };
  return {
    transpile(input, { fileName }) {
      const r = esbuild.transformSync(input, {
        loader: fileName.endsWith(".tsx") ? "tsx" : "ts",
        format: "cjs",
        platform: "node",
        target: `node${process.versions.node.split(".")[0]}`,
        // As tsc does for `module: commonjs`: import() becomes require(), so it resolves .ts files.
        supported: { "dynamic-import": false },
        sourcemap: "external",
        sourcefile: fileName,
        tsconfigRaw,
      });
      // ts-node swaps the trailing directive tsc writes for the inline map; without one it would
      // search backwards for the text and could hit a string literal that contains it.
      const directive = `//# sourceMappingURL=${path.basename(fileName).replace(/\.[cm]?tsx?$/, ".js")}.map`;
      return { outputText: `${r.code}${directive}`, sourceMapText: r.map };
    },
  };
};
