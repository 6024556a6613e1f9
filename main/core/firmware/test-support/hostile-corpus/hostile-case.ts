import type { KeyObject } from 'node:crypto';
import type { ErrorCode } from '../../../../../shared/errors';
import { verifyBundleForDevice } from '../../bundle/verify-bundle';
import type { DeviceFacts } from '../../bundle/device-fit';
import { inspectFirmwareFile, verifyFirmwareFile } from '../../formats/firmware-file';
import { TEST_NOW, testDevice } from '../bundle-fixture';
import type { TestKeyring } from '../test-keyring';

export type HostileCategory = 'archive' | 'signature' | 'manifest' | 'contents' | 'device' | 'mcuboot' | 'uf2-dfu' | 'bare-file';

/** One hostile input and the refusal it must get (quality.md: ≥ 300 cases, each with a named code). */
export interface HostileCase {
  name: string;
  category: HostileCategory;
  expectedCode: ErrorCode;
  /** Builds the input (not timed) and returns the check that must refuse it (timed by the benchmark). */
  prepare: () => { inputBytes: number; check: () => unknown };
}

export interface DeviceContext {
  device?: Partial<DeviceFacts>;
  ledgerSecurityCounter?: number | null;
  now?: Date;
}

/** A bundle case: the whole of verifyBundleForDevice, as the flashing code will call it. */
export function bundleCase(keys: TestKeyring, category: HostileCategory, name: string, expectedCode: ErrorCode, build: () => Uint8Array, context: DeviceContext = {}): HostileCase {
  return {
    name,
    category,
    expectedCode,
    prepare: () => {
      const bytes = build();
      const options = {
        trustStore: keys.trustStore,
        device: testDevice(context.device),
        ledgerSecurityCounter: context.ledgerSecurityCounter ?? null,
        now: context.now ?? TEST_NOW,
      };
      return { inputBytes: bytes.length, check: () => verifyBundleForDevice(bytes, options) };
    },
  };
}

/** A bare-file case: `image verify --key` when a key is given, else `image inspect`. */
export function bareFileCase(name: string, expectedCode: ErrorCode, build: () => Uint8Array, key?: KeyObject): HostileCase {
  return {
    name,
    category: 'bare-file',
    expectedCode,
    prepare: () => {
      const bytes = build();
      return { inputBytes: bytes.length, check: () => (key ? verifyFirmwareFile(bytes, key) : inspectFirmwareFile(bytes)) };
    },
  };
}
