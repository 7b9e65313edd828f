/**
 * Composite alarm rules as plain data. CloudWatch caps a rule at 10240 characters and 100
 * referenced alarms (PutCompositeAlarm), so a large service is summarised by a tree: groups of
 * alarms under intermediate composite alarms, those under the root. No library models this.
 */

export const ALARM_RULE_LIMITS = {
  /** PutCompositeAlarm's AlarmRule length limit. */
  maxRuleLength: 10240,
  /** "The rule expression of a composite alarm can include as many as 100 underlying alarms." */
  maxAlarmsPerRule: 100,
  /** Alarm names are at most 255 characters: the size assumed for a name not known yet. */
  maxAlarmNameLength: 255,
} as const;

export type RuleLimits = { readonly maxRuleLength: number; readonly maxAlarmsPerRule: number };

const OR = " OR ";

/** `ALARM("name")`: quoted, so any valid alarm name is safe in the expression. */
export function alarmTerm(name: string): string {
  return `ALARM("${name}")`;
}

/** `ALARM("a") OR ALARM("b") ...`: in ALARM when any member is. */
export function anyAlarmRule(names: readonly string[]): string {
  return names.map(alarmTerm).join(OR);
}

/** Length of `ALARM("<name>")` for a name of `nameLength` characters. */
export function termLength(nameLength: number): number {
  return alarmTerm("").length + nameLength;
}

/**
 * Splits members (given by their names' lengths) into consecutive groups whose `OR` rule stays
 * within both limits. Returns each group's member indexes.
 */
export function groupForRules(nameLengths: readonly number[], limits: RuleLimits = ALARM_RULE_LIMITS): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let length = 0;
  nameLengths.forEach((n, i) => {
    const term = termLength(n);
    if (term > limits.maxRuleLength) throw new Error(`an alarm name of ${n} characters cannot fit in a composite alarm rule (${limits.maxRuleLength} characters).`);
    const next = current.length ? length + OR.length + term : term;
    if (current.length && (current.length >= limits.maxAlarmsPerRule || next > limits.maxRuleLength)) {
      groups.push(current);
      current = [];
      length = 0;
    }
    length = current.length ? length + OR.length + term : term;
    current.push(i);
  });
  if (current.length) groups.push(current);
  return groups;
}

export type AlarmTreeMember = { readonly kind: "alarm"; readonly index: number } | { readonly kind: "node"; readonly name: string };

export interface AlarmTreeNode {
  /** The composite alarm's name. */
  readonly name: string;
  /** 1 for nodes over metric alarms; the root is the highest. */
  readonly level: number;
  readonly members: readonly AlarmTreeMember[];
}

/**
 * The composite alarms that summarise `nameLengths.length` alarms under `rootName`, children before
 * parents (the creation order), the root last. One node when everything fits in one rule;
 * otherwise nodes named `${rootName}-<level>-<n>` grouped until one root remains.
 */
export function planAlarmTree(rootName: string, nameLengths: readonly number[], limits: RuleLimits = ALARM_RULE_LIMITS): AlarmTreeNode[] {
  if (nameLengths.length === 0) throw new Error("a composite alarm needs at least one alarm to watch.");
  const nodes: AlarmTreeNode[] = [];
  let members: AlarmTreeMember[] = nameLengths.map((_, index) => ({ kind: "alarm", index }));
  let lengths = [...nameLengths];
  for (let level = 1; ; level++) {
    const groups = groupForRules(lengths, limits);
    if (groups.length === 1) {
      nodes.push({ name: rootName, level, members });
      return nodes;
    }
    const next: AlarmTreeMember[] = groups.map((group, i) => {
      const node: AlarmTreeNode = { name: `${rootName}-${level}-${i + 1}`, level, members: group.map((m) => members[m]) };
      nodes.push(node);
      return { kind: "node", name: node.name };
    });
    members = next;
    lengths = next.map((m) => (m.kind === "node" ? m.name.length : 0));
  }
}
