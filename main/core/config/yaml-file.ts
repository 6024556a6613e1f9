import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { AppError, type ErrorCode } from '../../../shared/errors';

/** Aliases one document may expand; a "billion laughs" document needs thousands. */
const MAX_ALIAS_COUNT = 100;

export interface YamlSource {
  /** What the errors call the file (its path). */
  name: string;
  text: string;
  code: ErrorCode;
}

/**
 * Parses one YAML document strictly (unique keys, no custom tags, bounded aliases) and validates it with
 * a zod schema. Errors name the file, the path inside the document, its line, and the problem.
 */
export function parseYamlDocument<Schema extends z.ZodType>(
  source: YamlSource,
  schema: Schema,
): z.output<Schema> {
  const lines = new LineCounter();
  let document: Document;
  try {
    document = parseDocument(source.text, {
      uniqueKeys: true,
      strict: true,
      prettyErrors: false,
      lineCounter: lines,
      customTags: [],
      version: '1.2',
    });
  } catch (error: unknown) {
    throw new AppError(source.code, `${source.name}: not readable YAML (${String(error)})`, { cause: error });
  }
  const problem = document.errors[0];
  if (problem !== undefined) {
    const line = lines.linePos(problem.pos[0]).line;
    throw new AppError(source.code, `${source.name}, line ${line}: ${firstLine(problem.message)}`, {
      details: { file: source.name, line },
    });
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error: unknown) {
    // yaml refuses an alias expansion past the limit ("resource exhaustion attack").
    throw new AppError(source.code, `${source.name}: ${firstLine(String((error as Error).message ?? error))}`, {
      cause: error,
      details: { file: source.name },
    });
  }
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String);
  const node = document.getIn(issue.path as (string | number)[], true);
  const line = isNode(node) && node.range ? lines.linePos(node.range[0]).line : null;
  const where = path.length === 0 ? '(top level)' : path.join('.');
  throw new AppError(
    source.code,
    `${source.name}, ${where}${line === null ? '' : ` (line ${line})`}: ${issue.message}`,
    { details: { file: source.name, path: where, ...(line === null ? {} : { line }) } },
  );
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 300);
}
