import assert from "node:assert/strict";
import { globContainedIn, globMatches, globsIntersect } from "../../../policies/iam/glob";

describe("iam engine: glob containment", () => {
  const CASES: [string, string[], boolean][] = [
    ["s3:getobject", ["s3:get*"], true],
    ["s3:get*", ["s3:*"], true],
    ["s3:*", ["s3:get*"], false],
    ["a*b*c", ["a*c"], true],
    ["a*c", ["a*b*c"], false],
    ["a?c", ["a*"], true],
    ["a*", ["a?*"], false],
    ["a?*", ["a?", "a??*"], true],
    ["*", ["?*"], false],
    ["x*", ["x", "x?*"], true],
  ];
  for (const [a, bs, want] of CASES)
    it(`${want ? "proves" : "refutes"} that ${a} is within ${bs.join(" ∪ ")}`, () => assert.equal(globContainedIn(a, bs), want));

  it("lets a segment-final `*` cross colons but not a mid-segment one in a baseline", () => {
    assert.equal(globContainedIn("arn:aws:logs:r:1:log-group:g:log-stream:s", ["arn:aws:logs:r:1:log-group:*"], "plain", "segment"), true);
    assert.equal(globContainedIn("arn:aws:logs:r:1:log-group:g:x", ["arn:aws:logs:r:1:log-group:g*x"], "plain", "segment"), false);
    assert.equal(globContainedIn("arn:aws:logs:r:1:log-group:g:x", ["arn:aws:logs:r:1:log-group:g*x"], "plain", "plain"), true);
  });
  it("decides intersection of two wildcard patterns", () => {
    assert.equal(globsIntersect("s3:get*", "s3:*object"), true);
    assert.equal(globsIntersect("s3:get*", "s3:put*"), false);
  });
  it("matches `*` across `/` in the resource part", () => assert.equal(globMatches("arn:aws:s3:::b/a/b/c", "arn:aws:s3:::b/*"), true));
});
