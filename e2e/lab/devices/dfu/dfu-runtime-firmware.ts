import { performance } from 'node:perf_hooks';
import type { VirtualUsbReply, VirtualUsbSetupPacket } from '../../virtual-usb-function';
import { RUNTIME_DFU_INTERFACE } from './dfu-lab-descriptors';
import type { DfuLabDeviceConfig } from './dfu-lab-device-config';
import type { DfuLabTraffic } from './dfu-lab-traffic';
import { State, Status, statusReply } from './dfu-lab-wire';

const OUT = 0x21;
const IN = 0xa1;
const DETACH = 0;
const GETSTATUS = 3;
const GETSTATE = 5;

/**
 * The application's DFU run-time interface (protocols.md §3): appIDLE → DFU_DETACH → appDETACH, which
 * lasts wDetachTimeOut (or the host's shorter wValue). A bus reset inside that window reboots into the
 * bootloader; a device with bitWillDetach reboots by itself. Other requests stall; the application
 * has no dfuERROR.
 */
export class DfuRuntimeFirmware {
  state: number = State.APP_IDLE;
  #detachUntil = 0;

  constructor(
    readonly config: DfuLabDeviceConfig,
    readonly traffic: DfuLabTraffic,
    readonly onDetachRequested: () => void,
  ) {}

  /** True while a bus reset should take the device into its bootloader. */
  isDetachPending(): boolean {
    if (this.state === State.APP_DETACH && performance.now() > this.#detachUntil) this.state = State.APP_IDLE;
    return this.state === State.APP_DETACH;
  }

  handle(setup: VirtualUsbSetupPacket): VirtualUsbReply {
    this.traffic.count(`runtime request ${setup.request}`);
    if (setup.index !== RUNTIME_DFU_INTERFACE) return this.#stall();
    this.isDetachPending();
    if (setup.requestType === OUT && setup.request === DETACH && setup.length === 0) {
      this.state = State.APP_DETACH;
      this.#detachUntil = performance.now() + Math.min(setup.value, this.config.detachTimeoutMs);
      if (this.config.willDetach) this.onDetachRequested();
      return { kind: 'ack' };
    }
    if (setup.requestType === IN && setup.request === GETSTATUS && setup.length >= 6) {
      this.traffic.statusPolls += 1;
      return { kind: 'data', data: statusReply(Status.OK, 0, this.state, this.traffic, undefined) };
    }
    if (setup.requestType === IN && setup.request === GETSTATE && setup.length >= 1)
      return { kind: 'data', data: Uint8Array.of(this.state) };
    return this.#stall();
  }

  #stall(): VirtualUsbReply {
    this.traffic.stalls += 1;
    return { kind: 'stall' };
  }
}
