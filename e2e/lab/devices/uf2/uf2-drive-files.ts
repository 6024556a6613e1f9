import type { Uf2LabDriveConfig } from './uf2-lab-drive-config';

/** The files a UF2 bootloader shows at the drive's root (protocols.md §4). */
export const INFO_FILE = 'INFO_UF2.TXT';
export const INDEX_FILE = 'INDEX.HTM';
export const CURRENT_FILE = 'CURRENT.UF2';
export const BOOTLOADER_FILES = new Set([INFO_FILE, INDEX_FILE, CURRENT_FILE]);

/** INFO_UF2.TXT with CRLF line ends, as FAT-based bootloaders write it. */
export function infoUf2Text(config: Uf2LabDriveConfig): string {
  if (config.hasMalformedInfo) return 'UF2 Bootloader v0\r\nthis line is not a field\r\n';
  const lines = [config.bootloaderBanner, `Model: ${config.model}`, `Board-ID: ${config.boardId}`];
  if (config.serialNumber !== undefined) lines.push(`Serial: ${config.serialNumber}`);
  return `${lines.join('\r\n')}\r\n`;
}

export function indexHtm(config: Uf2LabDriveConfig): string {
  return `<!doctype html>\n<html><head><meta http-equiv="refresh" content="0; url=https://fieldline.invalid/boards/${encodeURIComponent(config.boardId)}"></head><body>${config.model}</body></html>\n`;
}
