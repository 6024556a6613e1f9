import type { BundleSummary, DeviceFit, JobProgress, JobSummary } from '../../../shared/contract';

export function makeBundle(overrides: Partial<BundleSummary> = {}): BundleSummary {
  return {
    bundleId: 'ab'.repeat(32),
    fileName: 'sensor-1.5.0.fwb',
    path: '/data/firmware/abab.fwb',
    sizeBytes: 26_112,
    product: 'fieldline-lab-nrf52840',
    version: '1.5.0',
    channel: 'stable',
    securityCounter: 3,
    issuedAt: '2025-05-01T00:00:00Z',
    expiresAt: '2026-05-01T00:00:00Z',
    hardware: [{ id: 'fieldline-lab-nrf52840', revisions: ['A', 'B'] }],
    images: [
      {
        file: 'images/app.bin',
        protocol: 'mcuboot',
        sizeBytes: 24_576,
        sha256: 'cd'.repeat(32),
        slot: 1,
        address: null,
      },
    ],
    signedBy: [{ name: 'dev-release-ed25519', keyId: 'ef'.repeat(32), isDevelopment: true }],
    isDevelopmentSigned: true,
    importedAt: '2025-06-01T12:00:00.000Z',
    verification: { status: 'passed', checkedAt: '2025-06-01T12:00:00.000Z' },
    fittingDeviceCount: 1,
    ...overrides,
  };
}

export function makeFit(overrides: Partial<DeviceFit> = {}): DeviceFit {
  return {
    deviceId: 'hwid:0A1B',
    serial: 'LAB-0001',
    model: 'fieldline-lab-nrf52840',
    firmwareVersion: '1.4.0',
    isConnected: true,
    fits: true,
    refusal: null,
    assumedRevision: 'A',
    ...overrides,
  };
}

export function makeJob(overrides: Partial<JobSummary> = {}): JobSummary {
  return {
    id: 'job-1',
    kind: 'flash',
    deviceId: 'hwid:0A1B',
    address: 'serial:/dev/pts/7',
    state: 'running',
    step: 'upload',
    bundlePath: '/data/firmware/abab.fwb',
    firmwareVersion: '1.5.0',
    startedAt: '2025-06-01T12:01:00.000Z',
    updatedAt: '2025-06-01T12:01:02.000Z',
    error: null,
    ...overrides,
  };
}

export function makeProgress(overrides: Partial<JobProgress> = {}): JobProgress {
  return {
    jobId: 'job-1',
    deviceId: 'hwid:0A1B',
    step: 'upload',
    bytesDone: 12_288,
    totalBytes: 24_576,
    bytesPerSecond: 4096,
    etaSeconds: 3,
    ...overrides,
  };
}
