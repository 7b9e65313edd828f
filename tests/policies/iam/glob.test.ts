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

/**
 * The shortcuts (a pattern without wildcards, prefixes that disagree, only the characters a
 * literal-only state can take) must give exactly the answers of matching every word: checked
 * against brute force over all words of up to 6 characters for small patterns in both modes.
 */
describe("iam engine: glob shortcuts agree with brute force", () => {
  const LETTERS = ["a", "b", ":"];
  const words: string[] = [""];
  for (let i = 0; i < words.length && words[i].length < 6; i++) for (const c of [...LETTERS, "x"]) words.push(words[i] + c);
  // Deterministic pseudo-random patterns (no flakiness): literals, `*`, `?` and ':' up to 4 long.
  let seed = 12345;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const pattern = () => Array.from({ length: 1 + rnd(4) }, () => ["a", "b", ":", "*", "?", "a"][rnd(6)]).join("");
  const modes = ["plain", "segment"] as const;

  it("answers containment as matching every word would", () => {
    for (let i = 0; i < 400; i++) {
      const a = pattern();
      const bs = Array.from({ length: 1 + rnd(3) }, pattern);
      for (const am of modes)
        for (const bm of modes) {
          // Identical strings are contained by design (header of glob.ts), whatever the modes.
          const brute = bs.includes(a) || words.filter((w) => globMatches(w, a, am)).every((w) => bs.some((b) => globMatches(w, b, bm)));
          assert.equal(globContainedIn(a, bs, am, bm), brute, `${a} ⊆ ${bs.join(" ∪ ")} (${am}/${bm})`);
        }
    }
  });

  it("answers intersection as matching every word would", () => {
    for (let i = 0; i < 400; i++) {
      const a = pattern();
      const b = pattern();
      for (const am of modes)
        for (const bm of modes) {
          const brute = words.some((w) => globMatches(w, a, am) && globMatches(w, b, bm));
          assert.equal(globsIntersect(a, b, am, bm), brute, `${a} ∩ ${b} (${am}/${bm})`);
        }
    }
  });

  it("decides a grant ARN against baseline ARNs with a long shared prefix", () => {
    const base = ["arn:aws:lambda:eu-west-1:1:function:app-prod-a:*", "arn:aws:lambda:eu-west-1:1:function:app-prod-b:*"];
    assert.equal(globContainedIn("arn:aws:lambda:eu-west-1:1:function:app-prod-a:*", [base[1]]), false);
    assert.equal(globContainedIn("arn:aws:lambda:eu-west-1:1:function:app-prod-a:live", base), true);
    assert.equal(globContainedIn("arn:aws:lambda:eu-west-1:1:function:app-bench-a:*", base), false);
    assert.equal(globsIntersect("arn:aws:lambda:eu-west-1:1:function:app-bench-a:*", base[0]), false);
    assert.equal(globsIntersect("arn:aws:lambda:eu-west-1:1:function:app-*", base[1]), true);
  });
});
