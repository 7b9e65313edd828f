// Exact containment and intersection for IAM's `*`/`?` glob languages.
//
// Why by hand: glob libraries (minimatch, picomatch, micromatch) match a string against a
// pattern; none answers "is every string pattern A matches also matched by pattern B (or by one
// of B1..Bn)?", which the baseline comparison needs. A glob is a tiny NFA (one state per token),
// so we run the subset construction over both sides at once on a representative alphabet (every
// literal character of either side, ':' and one character neither uses): A ⊆ ∪B fails exactly
// when some word drives A to acceptance while no B accepts.
//
// ARN semantics (AWS IAM User Guide, "IAM JSON policy elements: Resource", section "Using
// wildcards in resource ARNs", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html):
// "You can use wildcard characters (* and ?) within the individual segments of an ARN (the parts
// separated by colons) ... If the * wildcard is the last character of a resource ARN segment, it
// can expand to match beyond the colon boundaries", and `*` expands over `/` within a segment
// (`arn:aws:s3:::bucket/*` covers `arn:aws:s3:::bucket/a/b`). The doc leaves open whether a `*`
// in the middle of a segment may cross a colon, so the engine takes the side that can only cause
// "might-expand", never a miss: in a GRANT every `*` (and `?`) may match ':' ("plain"), in a
// BASELINE only a `*` that ends a segment may ("segment"). Identical strings are always contained.

export type GlobMode = "plain" | "segment";

type Token = { kind: "lit"; ch: string } | { kind: "one" | "star"; noColon: boolean };

const compiled = new Map<string, Token[]>();

function compile(pattern: string, mode: GlobMode): Token[] {
  const key = mode + "\u0000" + pattern;
  let tokens = compiled.get(key);
  if (tokens) return tokens;
  tokens = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*") {
      // Collapse runs of stars: `**` and `*` are the same language.
      if (pattern[i - 1] === "*") continue;
      const next = pattern[i + 1];
      const endsSegment = next === undefined || next === ":";
      tokens.push({ kind: "star", noColon: mode === "segment" && !endsSegment });
    } else if (ch === "?") tokens.push({ kind: "one", noColon: mode === "segment" });
    else tokens.push({ kind: "lit", ch });
  }
  if (compiled.size > 50_000) compiled.clear();
  compiled.set(key, tokens);
  return tokens;
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

/** One glob's NFA state set: sorted token positions, epsilon-closed over stars. */
function close(tokens: Token[], positions: Iterable<number>): number[] {
  const out = new Set<number>();
  for (let p of positions) {
    out.add(p);
    while (p < tokens.length && tokens[p].kind === "star") out.add(++p);
  }
  return [...out].sort((x, y) => x - y);
}

function step(tokens: Token[], state: number[], c: string): number[] {
  const next: number[] = [];
  for (const p of state) {
    if (p >= tokens.length) continue;
    const t = tokens[p];
    if (t.kind === "lit") {
      if (t.ch === c) next.push(p + 1);
    } else if (!(t.noColon && c === ":")) next.push(t.kind === "one" ? p + 1 : p);
  }
  return close(tokens, next);
}

const accepts = (tokens: Token[], state: number[]) => state.includes(tokens.length);

/**
 * The characters of `sigma` after which `state` is not empty: when the state waits only on
 * literals, just those (in `sigma` order), else all of `sigma`. Walking only these skips the steps
 * the searches below would drop anyway (an empty state matches nothing), so two ARNs that share a
 * long literal prefix cost one step per character instead of one per character and letter.
 */
function moves(tokens: Token[], state: number[], sigma: string[]): string[] {
  const lits = new Set<string>();
  for (const p of state) {
    if (p >= tokens.length) continue;
    const t = tokens[p];
    if (t.kind !== "lit") return sigma;
    lits.add(t.ch);
  }
  return sigma.filter((c) => lits.has(c));
}

function alphabet(patterns: string[]): string[] {
  const chars = new Set<string>([":", "\u0001"]);
  for (const p of patterns) for (const ch of p) if (ch !== "*" && ch !== "?") chars.add(ch);
  return [...chars];
}

const memo = new Map<string, boolean>();

/**
 * A pattern without `*` or `?` (most grants: one ARN, one action) matches only itself, so
 * containment and intersection reduce to matching it against the other side, in one pass instead
 * of the subset construction over the whole alphabet (which cost about 4 ms per grant: 1.2 s of
 * AnalyzeStack for a role granted one ARN per function at 100 functions). Strings holding
 * surrogate halves keep the general algorithm, whose alphabet is per code point.
 */
/** The characters before the first `*` or `?`. */
function literalPrefix(p: string): string {
  const i = p.search(/[*?]/);
  return i < 0 ? p : p.slice(0, i);
}

const plainLiteral = (p: string) => !hasWildcard(p) && !/[\uD800-\uDFFF]/.test(p);

function remember(key: string, value: boolean): boolean {
  if (memo.size > 200_000) memo.clear();
  memo.set(key, value);
  return value;
}

/**
 * True when every string `a` matches is matched by at least one of `bs`.
 * `a` is read in `aMode`, each of `bs` in `bMode` (see the header comment).
 */
export function globContainedIn(a: string, bs: string[], aMode: GlobMode = "plain", bMode: GlobMode = "plain"): boolean {
  if (bs.length === 0) return false;
  if (bs.includes(a)) return true;
  if (bs.includes("*")) return true;
  if (plainLiteral(a)) return bs.some((b) => globMatches(a, b, bMode));
  const aReaches = !/[\uD800-\uDFFF]/.test(a);
  if (aReaches) {
    // Every string `a` matches starts with its literal prefix, and every one `b` matches with b's:
    // a `b` whose prefix disagrees with a's matches none of a's strings and cannot help cover them.
    // (`a` without surrogate halves: its language is then what the search below walks.)
    const pa = literalPrefix(a);
    bs = bs.filter((b) => {
      const pb = literalPrefix(b);
      const n = Math.min(pa.length, pb.length);
      return pa.slice(0, n) === pb.slice(0, n);
    });
    if (bs.length === 0) return false; // a glob always matches some string
  }
  const key = `${aMode}${bMode}\u0000${a}\u0000${bs.join("\u0000")}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const ta = compile(a, aMode);
  const tbs = bs.map((b) => compile(b, bMode));
  const sigma = alphabet([a, ...bs]);
  const start = { a: close(ta, [0]), b: tbs.map((t) => close(t, [0])) };
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const s = stack.pop()!;
    const id = s.a.join(",") + "|" + s.b.map((x) => x.join(",")).join("|");
    if (seen.has(id)) continue;
    seen.add(id);
    if (accepts(ta, s.a) && !s.b.some((st, i) => accepts(tbs[i], st))) return remember(key, false);
    // No `b` can match any more, and `a` can still reach acceptance (each literal of `a` is in
    // the alphabet, each wildcard takes "\u0001"): the search would end with false, later.
    if (aReaches && s.b.every((st) => st.length === 0)) return remember(key, false);
    for (const c of moves(ta, s.a, sigma)) {
      const na = step(ta, s.a, c);
      if (na.length === 0) continue;
      stack.push({ a: na, b: s.b.map((st, i) => step(tbs[i], st, c)) });
    }
  }
  return remember(key, true);
}

/** True when some string is matched by both `a` and `b`. */
export function globsIntersect(a: string, b: string, aMode: GlobMode = "plain", bMode: GlobMode = "plain"): boolean {
  if (a === b || a === "*" || b === "*") return true;
  if (plainLiteral(a)) return globMatches(a, b, bMode);
  if (plainLiteral(b)) return globMatches(b, a, aMode);
  const key = `x${aMode}${bMode}\u0000${a}\u0000${b}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const ta = compile(a, aMode);
  const tb = compile(b, bMode);
  const sigma = alphabet([a, b]);
  const seen = new Set<string>();
  const stack = [{ a: close(ta, [0]), b: close(tb, [0]) }];
  while (stack.length > 0) {
    const s = stack.pop()!;
    const id = s.a.join(",") + "|" + s.b.join(",");
    if (seen.has(id)) continue;
    seen.add(id);
    if (accepts(ta, s.a) && accepts(tb, s.b)) return remember(key, true);
    for (const c of moves(tb, s.b, moves(ta, s.a, sigma))) {
      const na = step(ta, s.a, c);
      const nb = step(tb, s.b, c);
      if (na.length > 0 && nb.length > 0) stack.push({ a: na, b: nb });
    }
  }
  return remember(key, false);
}

/** True when the literal string `s` is matched by `pattern`. */
export function globMatches(s: string, pattern: string, mode: GlobMode = "plain"): boolean {
  if (pattern === "*" || pattern === s) return true;
  if (!hasWildcard(pattern)) return false;
  const tokens = compile(pattern, mode);
  let state = close(tokens, [0]);
  for (const c of s) {
    state = step(tokens, state, c);
    if (state.length === 0) return false;
  }
  return accepts(tokens, state);
}
