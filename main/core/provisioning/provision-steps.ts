import type { ProvisionPlan } from '../../../shared/contract/provision';
import { AppError } from '../../../shared/errors';
import type { RecipeDocument } from '../config/recipe-schema';
import { ValueAllocator } from '../config/value-allocator';
import { identityOverSmp } from '../identity/device-identity';
import { enrollDeviceCertificate } from '../identity/enroll-device-certificate';
import type { OperationStepDefinition, StepContext } from '../operations/operation-service';
import type { CertificateIssuer } from '../ports/certificate-issuer';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { configureSettings } from './configure-settings';
import type { PlanRecipe } from './plan-provision';
import type { ProvisionJobs, ProvisionLedger, ProvisionPorts } from './provision-ports';
import { verifyProvisioned } from './verify-provisioned';

export interface ProvisionStepInput {
  plan: ProvisionPlan;
  recipe: PlanRecipe;
  document: RecipeDocument;
  issuer: CertificateIssuer | null;
  ports: ProvisionPorts;
  jobs: ProvisionJobs;
  ledger: ProvisionLedger;
  clock: Clock;
  logger: Logger;
  actor: string;
}

/** The steps of one provision operation, in order: flash → enroll → configure → verify. */
export function provisionSteps(input: ProvisionStepInput): OperationStepDefinition[] {
  const { plan, recipe, ports } = input;
  const deviceId = plan.deviceId;
  const withDevice = async <T>(context: StepContext, work: (link: Awaited<ReturnType<ProvisionPorts['openDevice']>>) => Promise<T>): Promise<T> => {
    const link = await ports.openDevice(deviceId, context.signal);
    try {
      return await work(link);
    } finally {
      await link.close();
    }
  };
  return [
    {
      name: 'flash',
      label: plan.firmware.action === 'install' ? `Install firmware ${plan.firmware.bundleVersion}` : 'Firmware',
      run: (context) => flash(input, context),
    },
    {
      name: 'enroll',
      label: 'Device certificate',
      async run(context) {
        if (plan.certificate.action === 'none') return { skipped: plan.certificate.summary };
        if (input.issuer === null) throw new AppError('ISSUER_NOT_CONFIGURED', 'the device needs a certificate and no issuer is configured');
        const issuer = input.issuer;
        const result = await withDevice(context, (link) =>
          enrollDeviceCertificate({
            device: identityOverSmp(link.client),
            issuer,
            profile: recipe.profile,
            ledger: input.ledger,
            deviceId,
            expectedHardwareId: plan.device.hardwareId,
            actor: input.actor,
            clock: input.clock,
            logger: input.logger,
            signal: context.signal,
            onStep: (step) => context.detail(`certificate: ${step}`),
          }),
        );
        return {
          evidence: {
            mode: result.mode,
            fingerprintSha256: result.certificate.fingerprintSha256,
            certificateSerial: result.certificate.certificateSerial,
            notAfter: result.certificate.notAfter,
          },
          detail: `enrolled ${result.certificate.subject}`,
        };
      },
    },
    {
      name: 'configure',
      label: 'Settings',
      async run(context) {
        recordAllocations(input);
        const toWrite = plan.settings.filter((setting) => setting.action === 'write').map((setting) => setting.name);
        if (toWrite.length === 0) return { skipped: 'every setting is up to date' };
        const written = await withDevice(context, (link) =>
          configureSettings(link.client, toWrite, recipe.settings, context),
        );
        return { evidence: written, detail: `${toWrite.length} setting(s) written, saved and read back` };
      },
    },
    {
      name: 'verify',
      label: 'Verify and record',
      run: (context) =>
        withDevice(context, (link) => verifyProvisioned(link.client, input, context.signal)),
    },
  ];
}

async function flash(input: ProvisionStepInput, context: StepContext): Promise<{ evidence: Record<string, string>; detail: string } | { skipped: string }> {
  const { plan, recipe, jobs, ports } = input;
  if (plan.firmware.action === 'none') return { skipped: plan.firmware.summary };
  const endpoint = ports.flashEndpoint?.(plan.deviceId);
  const job = jobs.start({
    deviceId: plan.deviceId,
    bundlePath: recipe.bundle.path,
    hardwareRevision: recipe.hardwareRevision,
    trustStorePath: ports.trustStore().path,
    ...(endpoint === undefined ? {} : { endpoint }),
  });
  context.linkJob(job.id);
  const subscription = jobs.onProgress((progress) => {
    for (const entry of progress) if (entry.jobId === job.id) context.progress(entry.bytesDone, entry.totalBytes, 'bytes');
  });
  const cancel = (): void => void jobs.cancel(job.id);
  context.signal.addEventListener('abort', cancel, { once: true });
  try {
    const done = await jobs.whenDone(job.id);
    if (done.state !== 'succeeded') {
      const code = done.error?.code ?? (done.state === 'reverted' ? 'FLASH_REVERTED' : 'INTERNAL');
      throw new AppError(code, `flash job ${job.id} ended ${done.state}${done.error ? `: ${done.error.message}` : ''}`, {
        details: { jobId: job.id, jobStep: done.error?.step ?? null },
      });
    }
    return { evidence: { jobId: job.id, bundleSha256: recipe.bundle.bundleSha256, version: recipe.bundle.version }, detail: `installed ${recipe.bundle.version}` };
  } finally {
    context.signal.removeEventListener('abort', cancel);
    subscription.dispose();
  }
}

/**
 * Records the values allocators gave this device, before any setting carrying them is written, so a
 * crash after the write cannot hand the same value to another device. A value that changed since the
 * plan (another station or process took it) fails the step: plan again.
 */
function recordAllocations(input: ProvisionStepInput): void {
  const allocator = new ValueAllocator(input.ledger, input.actor);
  for (const variable of input.recipe.variables.values()) {
    const planned = variable.allocation;
    const definition = input.document.allocators[variable.name];
    if (planned === undefined || definition === undefined || planned.isRecorded) continue;
    const recorded = allocator.allocate(input.plan.deviceId, variable.name, definition);
    if (recorded.value !== planned.value)
      throw new AppError('RECIPE_VALUE_INVALID', `variable ${variable.name}: ${planned.value} was allocated elsewhere since the plan; plan again`, {
        details: { variable: variable.name },
      });
  }
}
