import { dirname } from 'node:path';
import { DriveFiles } from '../../adapters/drive/drive-file-writer';
import { FolderDriveWatcher } from '../../adapters/drive/folder-drive-watcher';
import { SerialportPorts } from '../../adapters/serial/serialport-ports';
import { NodeDatagramNetwork } from '../../adapters/udp/node-datagram-network';
import { LibusbUsbBus } from '../../adapters/usb/libusb-usb-bus';
import type { FlashEndpoint } from '../../core/jobs/flash-endpoint';
import type { FlashTaskDeps } from '../../core/jobs/run-flash-task';
import type { Logger } from '../../core/ports/logger';

/** The ports one task needs, opened for its endpoint's protocol, and how to let go of them. */
export interface FlashProcessPorts {
  deps: Pick<FlashTaskDeps, 'smp' | 'usbBus' | 'drives'>;
  close(): Promise<void>;
}

/**
 * Opens only what the endpoint's protocol uses: serial and UDP for SMP; libusb for USB DFU (a real bus
 * only: the device lab's virtual bus lives in the lab's process, so DFU tests use the in-process
 * executor); a folder watcher on the drive's parent folder plus file access for a UF2 drive (the drive
 * folder itself vanishes while the board reboots).
 */
export function openFlashProcessPorts(endpoint: FlashEndpoint, logger: Logger): FlashProcessPorts {
  if (endpoint.kind === 'usb-dfu') {
    const usbBus = new LibusbUsbBus({ logger });
    return { deps: { usbBus }, close: () => Promise.resolve(usbBus.close()) };
  }
  if (endpoint.kind === 'uf2-drive') {
    const watcher = new FolderDriveWatcher({
      folders: [dirname(endpoint.folder)],
      includeSystemMounts: false,
      pollIntervalMs: 100,
      logger,
    });
    return { deps: { drives: { watcher, files: new DriveFiles() } }, close: () => watcher.close() };
  }
  return {
    deps: { smp: { serialPorts: new SerialportPorts(), datagrams: new NodeDatagramNetwork() } },
    close: () => Promise.resolve(),
  };
}
