import { AppError } from '../../../shared/errors';
import type { SmpLinkPorts } from '../drivers/smp/smp-flasher-link';
import type { DriveFileAccess, DriveWatcher } from '../ports/drive-watcher';
import type { Logger } from '../ports/logger';
import type { UsbBus } from '../ports/usb-bus';
import type { FirmwareSource, FlashTask, FlashTaskHooks, FlashTaskResult } from './flash-task';
import { runDfuFlashTask } from './run-dfu-flash-task';
import { runSmpFlashTask } from './run-smp-flash-task';
import { runUf2FlashTask } from './run-uf2-flash-task';

/** What an executor can reach; a protocol whose port is missing fails its jobs before anything is written. */
export interface FlashTaskDeps {
  firmware: FirmwareSource;
  logger: Logger;
  /** SMP over serial and UDP. */
  smp?: SmpLinkPorts;
  /** USB DFU devices. */
  usbBus?: UsbBus;
  /** UF2 drives: the watcher that sees them come and go, and their files. */
  drives?: { watcher: DriveWatcher; files: DriveFileAccess };
  /** SMP request timeout and how long a reset or re-enumerated device may take to come back. */
  requestTimeoutMs?: number;
  reappearTimeoutMs?: number;
}

/**
 * Routes a flash task to the runner of its endpoint's protocol: SMP (serial, UDP), USB DFU or a UF2
 * drive. Each runner verifies the bundle for the device before writing and checks that the bundle
 * has an image for its protocol.
 */
export function runFlashTask(
  task: FlashTask,
  deps: FlashTaskDeps,
  hooks: FlashTaskHooks,
): Promise<FlashTaskResult> {
  const { endpoint } = task;
  const timeouts = {
    ...(deps.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: deps.requestTimeoutMs }),
    ...(deps.reappearTimeoutMs === undefined ? {} : { reappearTimeoutMs: deps.reappearTimeoutMs }),
  };
  switch (endpoint.kind) {
    case 'serial':
    case 'udp':
      return runSmpFlashTask(
        { ...task, endpoint },
        { ports: deps.smp ?? {}, firmware: deps.firmware, logger: deps.logger, ...timeouts },
        hooks,
      );
    case 'usb-dfu':
      if (deps.usbBus === undefined)
        return unreachable('USB_UNAVAILABLE', 'this flash executor has no USB bus');
      return runDfuFlashTask(
        { ...task, endpoint },
        {
          usbBus: deps.usbBus,
          firmware: deps.firmware,
          logger: deps.logger,
          ...(deps.reappearTimeoutMs === undefined ? {} : { reenumerationTimeoutMs: deps.reappearTimeoutMs }),
        },
        hooks,
      );
    case 'uf2-drive':
      if (deps.drives === undefined)
        return unreachable('NOT_IMPLEMENTED', 'this flash executor cannot reach drives');
      return runUf2FlashTask(
        { ...task, endpoint },
        {
          drives: deps.drives.watcher,
          files: deps.drives.files,
          firmware: deps.firmware,
          logger: deps.logger,
          ...(deps.reappearTimeoutMs === undefined ? {} : { rebootTimeoutMs: deps.reappearTimeoutMs }),
        },
        hooks,
      );
  }
}

function unreachable(code: 'USB_UNAVAILABLE' | 'NOT_IMPLEMENTED', message: string): Promise<never> {
  return Promise.reject(new AppError(code, message, { details: { step: 'connect', isBeforeWrite: true } }));
}
