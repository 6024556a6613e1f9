/**
 * True when `value` nests deeper than `maxDepth`. Iterative on purpose: the value comes from the
 * network, and a recursive walk (or zod's recursive schema) over a hostile 100,000-deep array would
 * overflow the stack instead of failing with a typed error.
 */
export function exceedsJsonDepth(value: unknown, maxDepth: number): boolean {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === undefined || item.node === null || typeof item.node !== 'object') continue;
    if (item.depth >= maxDepth) return true;
    const children = Array.isArray(item.node) ? (item.node as unknown[]) : Object.values(item.node);
    for (const child of children) stack.push({ node: child, depth: item.depth + 1 });
  }
  return false;
}
