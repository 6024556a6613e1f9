/**
 * The first key that appears twice in one object of `text`, or undefined. JSON.parse keeps the last
 * of duplicate keys while other parsers keep the first, so a signed document with duplicates can mean
 * different things to different tools; signed documents here must have none. Call it only on text
 * JSON.parse accepted (it relies on strings being well formed).
 */
export function findDuplicateJsonKey(text: string): string | undefined {
  const objects: (Set<string> | null)[] = [];
  let isKeyNext = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') {
      let end = index + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const keys = objects.at(-1);
      if (keys && isKeyNext) {
        const key = JSON.parse(text.slice(index, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
        isKeyNext = false;
      }
      index = end;
    } else if (char === '{') {
      objects.push(new Set());
      isKeyNext = true;
    } else if (char === '[') {
      objects.push(null);
    } else if (char === '}' || char === ']') {
      objects.pop();
      isKeyNext = false;
    } else if (char === ',') {
      isKeyNext = objects.at(-1) instanceof Set;
    }
  }
  return undefined;
}
