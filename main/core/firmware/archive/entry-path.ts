import { refusal } from '../firmware-refusal';

/** Segments of a bundle path: letters, digits, `.`, `_`, `-`; never `.` or `..` alone. */
const SEGMENT = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_PATH_CHARS = 200;

/**
 * Checks a path inside a bundle (an archive entry name or a manifest `file`) and returns it unchanged.
 * Refuses (BUNDLE_UNSAFE_PATH) absolute paths, `..` and `.` segments, empty segments, backslashes,
 * drive letters and any character outside the allow-list, so a name can never point outside the
 * bundle, whoever later writes it to disk (issue item 5).
 */
export function checkBundlePath(path: string, where: string): string {
  const fail = (reason: string): never => {
    throw refusal('BUNDLE_UNSAFE_PATH', where, `${JSON.stringify(path.slice(0, 120))} ${reason}`, { path: path.slice(0, 200) });
  };
  if (path.length === 0) fail('is empty');
  if (path.length > MAX_PATH_CHARS) fail(`is longer than ${MAX_PATH_CHARS} characters`);
  if (path.startsWith('/')) fail('is an absolute path');
  if (path.includes('\\')) fail('contains a backslash');
  if (/^[A-Za-z]:/.test(path)) fail('starts with a drive letter');
  for (const segment of path.split('/')) {
    if (segment === '..') fail('contains a ".." segment');
    if (segment === '.') fail('contains a "." segment');
    if (segment === '') fail('contains an empty segment');
    if (!SEGMENT.test(segment)) fail(`has a segment with characters outside [A-Za-z0-9._-]`);
  }
  return path;
}
