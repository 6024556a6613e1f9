/**
 * The deepest `[`/`{` nesting in JSON text, found by one pass over the bytes that skips strings. It runs
 * before JSON.parse so that a deeply nested document (a "JSON bomb") is refused by its shape, never by
 * a stack overflow. Returns early once `limit` is exceeded.
 */
export function jsonNestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let isInString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (isInString) {
      if (char === 0x5c) index += 1; // backslash: skip the escaped character
      else if (char === 0x22) isInString = false;
      continue;
    }
    if (char === 0x22) isInString = true;
    else if (char === 0x5b || char === 0x7b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (char === 0x5d || char === 0x7d) depth -= 1;
  }
  return deepest;
}
