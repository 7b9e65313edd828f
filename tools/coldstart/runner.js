"use strict";
// The child side of a cold-start measurement: loads ONE built bundle in this fresh Node process
// and answers ONE event, the way the Lambda runtime would on a cold start.
//
// Plain JavaScript on purpose: it runs under bare `node`, so no TypeScript loader (ts-node costs
// hundreds of milliseconds) is counted against the function.
//
// Usage: node runner.js <bundle index.js> <event.json> <context.json>
// Writes one JSON line to file descriptor 3 (stdout and stderr stay the function's logs):
//   { ok, response | error, bootMs, initMs, invokeMs, answeredAtMs }
// All times come from `performance.now()`, whose origin is this process's start.
const bootMs = performance.now();
const fs = require("fs");

const [bundle, eventFile, contextFile] = process.argv.slice(2);
// Lambda hands the runtime the event and the context; reading them is not the function's cost.
const event = JSON.parse(fs.readFileSync(eventFile, "utf8"));
const fields = JSON.parse(fs.readFileSync(contextFile, "utf8"));
const deadline = Date.now() + fields.timeoutMs;
const context = {
  ...fields.context,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

function report(outcome) {
  fs.writeSync(3, `${JSON.stringify({ bootMs, ...outcome })}\n`);
  // Lambda freezes the process here; exiting ends the measurement without waiting for the SDK's
  // keep-alive sockets, exactly as `node -e 0` ends.
  process.exit(0);
}

function describe(error) {
  return error instanceof Error ? `${error.name}: ${error.message}` : `non-Error value thrown: ${JSON.stringify(error)}`;
}

const initStart = performance.now();
let handler;
try {
  handler = require(bundle).handler;
} catch (error) {
  report({ ok: false, phase: "init", error: describe(error) });
}
const initMs = performance.now() - initStart;
if (typeof handler !== "function") report({ ok: false, phase: "init", error: `${bundle} does not export a \`handler\` function.` });

const invokeStart = performance.now();
const timer = setTimeout(() => report({ ok: false, phase: "invoke", initMs, error: `Task timed out after ${fields.timeoutMs} ms` }), fields.timeoutMs);
Promise.resolve()
  .then(() => handler(event, context))
  .then(
    (response) => {
      const answeredAtMs = performance.now();
      clearTimeout(timer);
      report({ ok: true, response: response === undefined ? null : response, initMs, invokeMs: answeredAtMs - invokeStart, answeredAtMs });
    },
    (error) => {
      clearTimeout(timer);
      report({ ok: false, phase: "invoke", initMs, error: describe(error) });
    },
  );
