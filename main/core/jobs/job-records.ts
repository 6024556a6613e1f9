import type { JsonValue } from '../../../shared/contract';
import { FRESH_FLASH_MEMORY, type SmpFlashMemory } from '../drivers/smp/smp-flasher-plan';
import type { AppendRequest } from '../ledger/ledger-service';
import type { EventQuery, StoredEvent } from '../ports/ledger-store';
import { readFlashEndpoint, type FlashEndpoint } from './flash-endpoint';

/** The ledger events of a job. Exactly one of the terminal types ends each job. */
export const JobEvent = {
  started: 'job.started',
  resumed: 'job.resumed',
  stepCompleted: 'job.step-completed',
  succeeded: 'job.succeeded',
  failed: 'job.failed',
  cancelled: 'job.cancelled',
  /** Device events: written only with evidence read back from the device. */
  firmwareFlashed: 'firmware.flashed',
  firmwareReverted: 'firmware.reverted',
} as const;

export const TERMINAL_JOB_EVENTS = [JobEvent.succeeded, JobEvent.failed, JobEvent.cancelled] as const;

/** What the job service needs of the ledger. */
export interface JobLedger {
  append(request: AppendRequest): StoredEvent;
  listEvents(query: EventQuery): StoredEvent[];
  deviceHistory(deviceId: string): StoredEvent[];
}

/** The `job.started` payload: enough to run the job again after a crash. */
export interface JobStartedPayload {
  jobId: string;
  kind: 'flash';
  address: string;
  endpoint: FlashEndpoint;
  expectedHardwareId: string | null;
  bundlePath: string;
  trustStorePath: string | null;
  hardwareRevision: string;
  /** The process that runs the job; another process finding it unfinished leaves it alone while it lives. */
  ownerPid: number;
}

/** How far back recovery looks for unfinished jobs. */
const RECOVERY_WINDOW = 1_000;

export interface UnfinishedJob {
  event: StoredEvent;
  payload: JobStartedPayload;
  /** The last step it checkpointed, or `queued`. */
  lastStep: string;
  memory: SmpFlashMemory;
}

/** `job.started` events among the last RECOVERY_WINDOW that no terminal event follows. */
export function findUnfinishedJobs(ledger: JobLedger): UnfinishedJob[] {
  const ended = new Set<string>();
  for (const type of TERMINAL_JOB_EVENTS)
    for (const event of ledger.listEvents({ type, limit: RECOVERY_WINDOW })) {
      const jobId = jobIdOf(event.payload);
      if (jobId !== null) ended.add(jobId);
    }
  // A resumed job belongs to the process that resumed it (newest first, so the first one seen counts).
  const owners = new Map<string, number>();
  for (const event of ledger.listEvents({ type: JobEvent.resumed, limit: RECOVERY_WINDOW })) {
    const jobId = jobIdOf(event.payload);
    const ownerPid = field(event.payload, 'ownerPid');
    if (jobId !== null && typeof ownerPid === 'number' && !owners.has(jobId)) owners.set(jobId, ownerPid);
  }
  const unfinished: UnfinishedJob[] = [];
  for (const event of ledger.listEvents({ type: JobEvent.started, limit: RECOVERY_WINDOW })) {
    const started = readStartedPayload(event.payload);
    if (started === null || ended.has(started.jobId) || event.deviceId === null) continue;
    const payload = { ...started, ownerPid: owners.get(started.jobId) ?? started.ownerPid };
    const steps = jobSteps(ledger, event.deviceId, payload.jobId);
    unfinished.push({ event, payload, lastStep: steps.at(-1)?.step ?? 'queued', memory: memoryFrom(steps) });
  }
  return unfinished.reverse();
}

/** The highest security counter any `firmware.flashed` recorded for the device (anti-rollback). */
export function ledgerSecurityCounter(ledger: JobLedger, deviceId: string): number | null {
  let highest: number | null = null;
  for (const event of ledger.deviceHistory(deviceId)) {
    if (event.type !== JobEvent.firmwareFlashed) continue;
    const counter = field(event.payload, 'securityCounter');
    if (typeof counter === 'number' && (highest === null || counter > highest)) highest = counter;
  }
  return highest;
}

interface StepRecord {
  step: string;
  evidence: JsonValue;
}

function jobSteps(ledger: JobLedger, deviceId: string, jobId: string): StepRecord[] {
  return ledger
    .deviceHistory(deviceId)
    .filter((event) => event.type === JobEvent.stepCompleted && jobIdOf(event.payload) === jobId)
    .map((event) => {
      const step = field(event.payload, 'step');
      return {
        step: typeof step === 'string' ? step : '',
        evidence: field(event.payload, 'evidence') ?? null,
      };
    });
}

/** What the flasher must remember from the checkpoints: the test reset (write-ahead) and a failed health check. */
function memoryFrom(steps: readonly StepRecord[]): SmpFlashMemory {
  const memory = { ...FRESH_FLASH_MEMORY };
  for (const { step, evidence } of steps) {
    if (step === 'test-reset') {
      const sentAtMs = field(evidence, 'sentAtMs');
      if (typeof sentAtMs === 'number') memory.testResetSentAtMs = sentAtMs;
    }
    if (step === 'revert-reset') {
      const failure = field(evidence, 'healthFailure');
      memory.healthFailure = typeof failure === 'string' ? failure : 'health check failed';
    }
  }
  return memory;
}

function readStartedPayload(payload: JsonValue): JobStartedPayload | null {
  const endpoint = readFlashEndpoint(field(payload, 'endpoint'));
  const strings = ['jobId', 'address', 'bundlePath', 'hardwareRevision'].map((key) => field(payload, key));
  if (strings.some((value) => typeof value !== 'string') || endpoint === null) return null;
  const expected = field(payload, 'expectedHardwareId');
  const trustStorePath = field(payload, 'trustStorePath');
  const ownerPid = field(payload, 'ownerPid');
  return {
    jobId: strings[0] as string,
    kind: 'flash',
    address: strings[1] as string,
    endpoint,
    expectedHardwareId: typeof expected === 'string' ? expected : null,
    bundlePath: strings[2] as string,
    trustStorePath: typeof trustStorePath === 'string' ? trustStorePath : null,
    hardwareRevision: strings[3] as string,
    ownerPid: typeof ownerPid === 'number' ? ownerPid : -1,
  };
}

export function jobIdOf(payload: JsonValue): string | null {
  const jobId = field(payload, 'jobId');
  return typeof jobId === 'string' ? jobId : null;
}

function field(value: JsonValue | undefined, key: string): JsonValue | undefined {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value))
    return undefined;
  return value[key];
}
