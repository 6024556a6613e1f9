import type { OperationSummary, ProvisionPlan, RecipeSummary, RecipeVariable } from '../../../shared/contract';

export function makeVariable(overrides: Partial<RecipeVariable> & { name: string }): RecipeVariable {
  return {
    type: 'string',
    description: null,
    isSecret: false,
    enum: null,
    minimum: null,
    maximum: null,
    minLength: null,
    maxLength: null,
    pattern: null,
    format: null,
    defaultValue: null,
    suppliedBy: [],
    isRequired: true,
    ...overrides,
  };
}

export function makeRecipe(overrides: Partial<RecipeSummary> = {}): RecipeSummary {
  return {
    path: '/station/recipes/lab-sensor/recipe.yaml',
    folder: '/station/recipes',
    origin: 'data-dir',
    name: 'lab-sensor',
    version: '1.0.0',
    description: 'Lab sensor on firmware 2.1.0',
    models: ['nRF52840-DK'],
    hardwareRevisions: ['A', 'B'],
    contentSha256: 'ab'.repeat(32),
    variables: [
      makeVariable({ name: 'site', minLength: 2, suppliedBy: ['site'], isRequired: false }),
      makeVariable({ name: 'reportSeconds', type: 'integer', minimum: 10, maximum: 3600, defaultValue: '60', suppliedBy: ['default'], isRequired: false }),
      makeVariable({ name: 'region', enum: ['eu', 'us'], suppliedBy: ['device-table'], isRequired: false }),
      makeVariable({ name: 'wifiPassword', isSecret: true, minLength: 8 }),
    ],
    error: null,
    ...overrides,
  };
}

export function makePlan(overrides: Partial<ProvisionPlan> = {}): ProvisionPlan {
  return {
    deviceId: 'hw-0001',
    device: { hardwareId: 'hw-0001', serial: 'SN-0001', model: 'nRF52840-DK', hardwareRevision: 'A' },
    recipe: { name: 'lab-sensor', version: '1.0.0', path: '/station/recipes/lab-sensor/recipe.yaml', contentSha256: 'ab'.repeat(32), gitCommit: '0123456789abcdef0123', isModified: false },
    inputs: { deviceTable: null, siteValues: null },
    variables: [
      { name: 'site', source: 'site', isSecret: false, value: 'lab-berlin', digest: null, allocation: null },
      { name: 'wifiPassword', source: 'technician', isSecret: true, value: null, digest: `sha256:${'d1'.repeat(32)}`, allocation: null },
    ],
    firmware: { action: 'install', bundleVersion: '2.1.0', bundleSha256: 'cd'.repeat(32), imageHash: 'ef'.repeat(32), runningVersion: '2.0.0', runningHash: null, summary: 'install 2.1.0 (device runs 2.0.0)' },
    certificate: { action: 'enroll', status: 'none', expectedSubject: 'CN=SN-0001', currentSubject: null, notAfter: null, fingerprintSha256: null, summary: 'no certificate: enroll CN=SN-0001' },
    settings: [
      { name: 'app/site', isSecret: false, action: 'none', status: 'same', desired: 'lab-berlin', current: 'lab-berlin', desiredDigest: null, currentDigest: null, summary: 'same' },
      { name: 'app/report_s', isSecret: false, action: 'write', status: 'differs', desired: '60', current: '30', desiredDigest: null, currentDigest: null, summary: '30 → 60' },
      { name: 'wifi/psk', isSecret: true, action: 'write', status: 'absent', desired: null, current: null, desiredDigest: `sha256:${'d1'.repeat(32)}`, currentDigest: null, summary: 'will be written' },
    ],
    isUpToDate: false,
    ...overrides,
  };
}

export function makeOperation(overrides: Partial<OperationSummary> = {}): OperationSummary {
  return {
    id: 'op-1',
    kind: 'provision',
    deviceId: 'hw-0001',
    title: 'recipe lab-sensor 1.0.0',
    state: 'running',
    steps: [
      { name: 'flash', label: 'Install firmware 2.1.0', state: 'running', detail: null, progress: { done: 256 * 1024, total: 512 * 1024, unit: 'bytes', perSecond: 32 * 1024, etaSeconds: 8 } },
      { name: 'enroll', label: 'Enroll certificate', state: 'pending', detail: null, progress: null },
      { name: 'configure', label: 'Write 2 settings', state: 'pending', detail: null, progress: null },
      { name: 'verify', label: 'Verify', state: 'pending', detail: null, progress: null },
    ],
    jobId: 'job-1',
    startedAt: '2026-11-27T10:00:00.000Z',
    updatedAt: '2026-11-27T10:00:01.000Z',
    error: null,
    ...overrides,
  };
}
