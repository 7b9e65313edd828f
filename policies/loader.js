// The pack's entry point (package.json `main`): what the CLI's runner requires (`require(<pack
// folder>)`). It loads the compiled build when it matches the sources (pack-build.js explains why
// and how that is checked), else index.ts, which the runner compiles and type-checks with ts-node
// as before. Either way the same rules run; the build is only faster to start.
"use strict";
const { isFresh, OUT } = require("./pack-build.js");

module.exports = require(isFresh(__dirname) ? `./${OUT}/index.js` : "./index.ts");
