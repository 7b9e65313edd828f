/** function.json's `{ source, detailType }` as the EventBridge pattern JSON (`detail-type`). */
export function eventPatternJson(p: { readonly source: readonly string[]; readonly detailType: readonly string[] }): string {
  return JSON.stringify({ source: [...p.source], "detail-type": [...p.detailType] });
}
