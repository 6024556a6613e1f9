import type { Uf2Drive } from '../ports/drive-watcher';
import type { SightingReport } from './sighting-report';

/**
 * Turns a UF2 bootloader drive into a sighting (protocols.md §4), addressed by its folder. The serial
 * comes only from a serial line of INFO_UF2.TXT: `Board-ID` names a board type (CPU-board-revision),
 * shared by every unit of that board, so using it as an identity would merge different devices.
 */
export function sightingFromUf2Drive(drive: Uf2Drive): SightingReport {
  return {
    transport: 'drive',
    address: drive.folder,
    identifiers: drive.info.serialNumber === undefined ? {} : { serial: drive.info.serialNumber },
    model: drive.info.model,
    protocol: 'uf2',
  };
}
