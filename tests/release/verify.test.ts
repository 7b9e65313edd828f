import * as assert from "assert";
import { InvokeCommand, InvokeCommandInput } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import * as fs from "fs";
import * as path from "path";
import { discoverFunctions } from "../../infra/catalog";
import { outputSchemaOf } from "../../hooks/pre-traffic/judge";
import { main } from "../../tools/verify/cli";
import { loadRegistry } from "../../tools/verify/registry";
import { verificationResultSchema } from "../../tools/verify/result";
import { capture, FIXTURE_FUNCTIONS, invokeOutput, lambdaClient, ROOT, tempDir } from "./support";

type Answer = (event: Record<string, unknown>) => ReturnType<typeof invokeOutput> | Error;

/** Answers that keep the fixtures' contracts: 2xx/4xx by body, a result or a ContractError by detail-type. */
const GOOD: Record<string, Answer> = {
  "serverless-staging-greet-api": (e) =>
    JSON.parse(String(e.body)).name
      ? invokeOutput({ statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ greeting: "Hello, Ada" }) })
      : invokeOutput({ statusCode: 400, headers: {}, body: JSON.stringify({ error: "`name` is required" }) }),
  "serverless-staging-audit-trail": (e) =>
    e["detail-type"] === "Audited" ? invokeOutput({ recorded: true, entryId: "e-1" }) : invokeOutput({ errorType: "ContractError", errorMessage: "unexpected detail-type" }, "Unhandled"),
};

function stackOutputs(names: string[]) {
  const functions = Object.fromEntries(
    names.map((n) => [
      n,
      { functionName: `serverless-staging-${n}`, aliasName: "live", codeDeployApplication: "serverless-staging-functions", deploymentGroup: `serverless-staging-${n}`, version: "3", sha256: "a".repeat(64) },
    ]),
  );
  const file = path.join(tempDir("outputs"), "stack-outputs.json");
  fs.writeFileSync(file, JSON.stringify({ functions, preTrafficHook: "serverless-staging-pre-traffic-hook" }));
  return file;
}

describe("verify (npm run verify)", () => {
  function setup(answers: Record<string, Answer> = GOOD) {
    const lambda = lambdaClient();
    const mock = mockClient(lambda);
    mock.on(InvokeCommand).callsFake(async (input: InvokeCommandInput) => {
      const answer = answers[input.FunctionName!];
      const result = answer ? answer(JSON.parse(Buffer.from(input.Payload as Uint8Array).toString("utf8"))) : new Error(`no answer for ${input.FunctionName}`);
      if (result instanceof Error) throw result;
      return result;
    });
    const out = path.join(tempDir("verify"), "verification.json");
    const { io, ...print } = capture();
    const run = (extra: string[] = [], outputs = stackOutputs(["audit-trail", "greet-api"])) =>
      main(["--stack", "staging", "--commit", "0123abcd", "--functions", FIXTURE_FUNCTIONS, "--out", out, ...(outputs ? ["--outputs", outputs] : []), ...extra], { lambda, rootDir: ROOT, ...print });
    const result = () => verificationResultSchema.parse(JSON.parse(fs.readFileSync(out, "utf8")));
    return { mock, run, result, io };
  }

  it("exits 0 and writes the verification JSON when every example keeps its contract", async () => {
    const { mock, run, result } = setup();

    const code = await run();

    assert.equal(code, 0);
    const r = result();
    assert.equal(r.result, "passed");
    assert.equal(r.commit, "0123abcd");
    assert.deepEqual(r.totals, { functions: 2, examples: 4, passed: 4, failed: 0 });
    assert.deepEqual(
      r.functions.map((f) => [f.name, f.functionName, f.examples.map((e) => `${e.example}:${e.outcome}`)]),
      [
        ["audit-trail", "serverless-staging-audit-trail", ["valid-audited.json:passed", "wrong-detail-type.json:passed"]],
        ["greet-api", "serverless-staging-greet-api", ["missing-name.json:passed", "valid-hello.json:passed"]],
      ],
    );
    const calls = mock.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    assert.equal(calls.length, 4);
    assert.ok(calls.every((c) => c.Qualifier === "live" && c.InvocationType === "RequestResponse"), "every example goes to the live alias, synchronously");
  });

  it("exits 1 naming the function and the example when a response breaks the contract", async () => {
    const { run, result, io } = setup({
      ...GOOD,
      "serverless-staging-greet-api": (e) =>
        JSON.parse(String(e.body)).name ? invokeOutput({ statusCode: 500, headers: {}, body: "oops" }) : GOOD["serverless-staging-greet-api"](e),
    });

    const code = await run();

    assert.equal(code, 1);
    const r = result();
    assert.equal(r.result, "failed");
    assert.deepEqual(r.totals, { functions: 2, examples: 4, passed: 3, failed: 1 });
    const failed = r.functions.flatMap((f) => f.examples.filter((e) => e.outcome === "failed").map((e) => ({ fn: f.name, ...e })));
    assert.deepEqual(failed.map((f) => [f.fn, f.example]), [["greet-api", "valid-hello.json"]]);
    assert.match(failed[0].reason, /a valid request got HTTP 500; expected 2xx/);
    assert.match(io.stdout, /FAIL\s+greet-api\s+valid-hello\.json\s+valid\s+a valid request got HTTP 500/);
    assert.match(io.stdout, /3 of 4 examples kept their contract .*FAILED/);
  });

  it("reports an Invoke error as a failed example with the AWS error, and still checks the other functions", async () => {
    const notFound = Object.assign(new Error("Function not found: serverless-staging-audit-trail:live"), { name: "ResourceNotFoundException" });
    const { mock, run, result } = setup({ ...GOOD, "serverless-staging-audit-trail": () => notFound });

    const code = await run();

    assert.equal(code, 1);
    const audit = result().functions.find((f) => f.name === "audit-trail")!;
    assert.deepEqual(audit.examples.map((e) => e.outcome), ["failed", "failed"]);
    assert.match(audit.examples[0].reason, /^Invoke serverless-staging-audit-trail:live failed: ResourceNotFoundException: Function not found/);
    assert.equal(mock.commandCalls(InvokeCommand, { FunctionName: "serverless-staging-greet-api" }).length, 2);
  });

  it("fails a function that has a folder but is not in the stack outputs", async () => {
    const { run, result } = setup();

    const code = await run([], stackOutputs(["greet-api"]));

    assert.equal(code, 1);
    const audit = result().functions.find((f) => f.name === "audit-trail")!;
    assert.equal(audit.functionName, undefined);
    assert.match(audit.examples[0].reason, /the stack exports no `functions\.audit-trail\.functionName`/);
  });

  it("sends only the contract-breaking examples with --valid-examples skip", async () => {
    const { mock, run, result } = setup();

    const code = await run(["--valid-examples", "skip"]);

    assert.equal(code, 0);
    const payloads = mock.commandCalls(InvokeCommand).map((c) => JSON.parse(Buffer.from(c.args[0].input.Payload as Uint8Array).toString("utf8")));
    assert.deepEqual(payloads.map((p) => p["detail-type"] ?? p.body), ["Other", "{}"]);
    assert.equal(result().validExamples, "skip");
    assert.ok(result().functions.every((f) => f.examples.every((e) => !e.valid)));
  });

  it("names each function <prefix><folder> with --function-name-prefix", async () => {
    const { mock, run } = setup();

    const code = await run(["--function-name-prefix", "serverless-staging-"], "");

    assert.equal(code, 0);
    assert.deepEqual([...new Set(mock.commandCalls(InvokeCommand).map((c) => c.args[0].input.FunctionName))], ["serverless-staging-audit-trail", "serverless-staging-greet-api"]);
  });

  it("exits 2 naming the flag when --valid-examples is neither run nor skip", async () => {
    const { mock, run, io } = setup();

    const code = await run(["--valid-examples", "some"]);

    assert.equal(code, 2);
    assert.match(io.stderr, /--valid-examples: must be "run" or "skip"; got "some"/);
    assert.equal(mock.commandCalls(InvokeCommand).length, 0);
  });

  it("loads the hook's registry for every function folder of the repository, each with examples and an output schema", async () => {
    const registry = await loadRegistry(path.join(ROOT, "functions"), ROOT);

    assert.deepEqual(Object.keys(registry).sort(), discoverFunctions(path.join(ROOT, "functions")).map((f) => f.name));
    for (const [name, fn] of Object.entries(registry)) {
      assert.ok(fn.examples.some((e) => e.valid) && fn.examples.some((e) => !e.valid), `${name}: valid and invalid examples`);
      assert.doesNotThrow(() => outputSchemaOf(fn), `${name}: output schema`);
    }
  });
});
