import { AppError } from '../../../../shared/errors';
import type { Uf2BootloaderInfo } from '../../ports/drive-watcher';

/** Real files are about 100 bytes; anything this large is not an INFO_UF2.TXT. */
const MAX_INFO_BYTES = 16 * 1024;
const FIELD_LINE = /^([A-Za-z][A-Za-z0-9 _.-]*?)\s*:\s*(.*)$/;
const SERIAL_KEYS = new Set(['serial', 'serial number', 'serial-number', 'serialnumber']);

/**
 * Parses INFO_UF2.TXT (protocols.md §4): a banner line naming the UF2 bootloader, then `Key: value`
 * lines, of which `Model:` is required. Accepts LF or CRLF line ends, blank lines and trailing spaces.
 * Anything else is DEVICE_PROTOCOL naming the line, so a drive that is not a UF2 bootloader (or a
 * damaged one) is skipped with a reason rather than guessed at.
 */
export function parseInfoUf2(content: Uint8Array | string): Uf2BootloaderInfo {
  const text = typeof content === 'string' ? content : decodeUtf8(content);
  if (text.length > MAX_INFO_BYTES)
    throw malformed(`is ${text.length} characters long; an INFO_UF2.TXT is a few lines`);
  const lines = text
    .split(/\r?\n/)
    .map((line, index) => ({ number: index + 1, text: line.replace(/[ \t\r]+$/, '') }));
  const meaningful = lines.filter((line) => line.text !== '');
  const [banner, ...rest] = meaningful;
  if (banner === undefined) throw malformed('is empty');
  checkPrintable(banner.number, banner.text);
  if (!/UF2/i.test(banner.text))
    throw malformed(
      `line ${banner.number} does not name a UF2 bootloader: "${clip(banner.text)}"`,
      banner.number,
    );
  const fields: Record<string, string> = {};
  const seen = new Set<string>();
  for (const line of rest) {
    checkPrintable(line.number, line.text);
    const match = FIELD_LINE.exec(line.text);
    if (match === null)
      throw malformed(`line ${line.number} is not "Key: value": "${clip(line.text)}"`, line.number);
    const key = match[1]!;
    if (seen.has(key.toLowerCase()))
      throw malformed(`line ${line.number} repeats "${clip(key)}"`, line.number);
    seen.add(key.toLowerCase());
    fields[key] = match[2]!.trim();
  }
  const model = valueOf(fields, (key) => key === 'model');
  if (model === undefined || model === '') throw malformed('has no "Model:" line');
  const info: Uf2BootloaderInfo = { banner: banner.text.trim(), model, fields };
  const boardId = valueOf(fields, (key) => key === 'board-id');
  if (boardId !== undefined && boardId !== '') info.boardId = boardId;
  const serialNumber = valueOf(fields, (key) => SERIAL_KEYS.has(key));
  if (serialNumber !== undefined && serialNumber !== '') info.serialNumber = serialNumber;
  return info;
}

function valueOf(
  fields: Record<string, string>,
  matches: (lowerCaseKey: string) => boolean,
): string | undefined {
  const key = Object.keys(fields).find((candidate) => matches(candidate.toLowerCase()));
  return key === undefined ? undefined : fields[key];
}

function decodeUtf8(bytes: Uint8Array): string {
  if (bytes.length > MAX_INFO_BYTES)
    throw malformed(`is ${bytes.length} bytes long; an INFO_UF2.TXT is a few lines`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch (error: unknown) {
    throw new AppError('DEVICE_PROTOCOL', 'INFO_UF2.TXT is not UTF-8 text', {
      cause: error,
      details: { file: 'INFO_UF2.TXT' },
    });
  }
}

function checkPrintable(lineNumber: number, text: string): void {
  const hasControlCharacter = [...text].some((character) => {
    const code = character.codePointAt(0) ?? 0;
    return (code < 0x20 && character !== '\t') || code === 0x7f;
  });
  if (hasControlCharacter) throw malformed(`line ${lineNumber} contains control characters`, lineNumber);
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function malformed(problem: string, line?: number): AppError {
  return new AppError('DEVICE_PROTOCOL', `INFO_UF2.TXT ${problem}`, {
    details: line === undefined ? { file: 'INFO_UF2.TXT' } : { file: 'INFO_UF2.TXT', line },
  });
}
