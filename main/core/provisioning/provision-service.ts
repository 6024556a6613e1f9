import type { OperationSummary } from '../../../shared/contract';
import type { ProvisionInput, ProvisionPlan } from '../../../shared/contract/provision';
import { AppError } from '../../../shared/errors';
import { ValueAllocator } from '../config/value-allocator';
import type { OperationService } from '../operations/operation-service';
import type { CertificateIssuer } from '../ports/certificate-issuer';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { planProvision, type PlanRecipe } from './plan-provision';
import { prepareRecipe, recipeForDevice, type PreparedRecipe } from './prepare-recipe';
import type { ProvisionJobs, ProvisionLedger, ProvisionPorts } from './provision-ports';
import { provisionSteps } from './provision-steps';
import { readDeviceState } from './read-device-state';

export interface ProvisionServiceOptions {
  ports: ProvisionPorts;
  ledger: ProvisionLedger;
  operations: OperationService;
  jobs: ProvisionJobs;
  clock: Clock;
  logger: Logger;
  actor?: string;
}

/**
 * Plans and applies recipes. `plan` reads the device and writes nothing (allocators are only peeked);
 * `apply` plans afresh, refuses what cannot work before anything is written (bad recipe, bad values,
 * a device that needs a certificate with no issuer), then starts one `provision` operation.
 */
export class ProvisionService {
  readonly #options: ProvisionServiceOptions;

  constructor(options: ProvisionServiceOptions) {
    this.#options = options;
  }

  async plan(input: ProvisionInput, signal?: AbortSignal): Promise<ProvisionPlan> {
    return (await this.#plan(input, signal)).plan;
  }

  async apply(input: ProvisionInput, signal?: AbortSignal): Promise<OperationSummary> {
    const { plan, recipe, prepared } = await this.#plan(input, signal);
    const opened = plan.certificate.action === 'enroll' ? await this.#options.ports.issuer(prepared.recipe.document.certificate) : null;
    if (plan.certificate.action === 'enroll' && opened === null)
      throw new AppError(
        'ISSUER_NOT_CONFIGURED',
        `device ${plan.deviceId} needs a certificate (${plan.certificate.summary}) and this station has no certificate issuer`,
      );
    const closeIssuer = async (): Promise<void> => {
      try {
        await opened?.close();
      } catch (error: unknown) {
        this.#options.logger.warn({ err: error }, 'could not close the certificate issuer');
      }
    };
    const actor = this.#options.actor ?? 'station';
    let started: OperationSummary;
    try {
      started = this.#start(plan, recipe, prepared, opened?.issuer ?? null, actor);
    } catch (error: unknown) {
      await closeIssuer();
      throw error;
    }
    void this.#options.operations.whenDone(started.id).then(closeIssuer);
    return started;
  }

  #start(
    plan: ProvisionPlan,
    recipe: PlanRecipe,
    prepared: PreparedRecipe,
    issuer: CertificateIssuer | null,
    actor: string,
  ): OperationSummary {
    return this.#options.operations.start({
      kind: 'provision',
      deviceId: plan.deviceId,
      title: `recipe ${plan.recipe.name}@${plan.recipe.version}`,
      facts: {
        recipe: { ...plan.recipe },
        firmware: plan.firmware.summary,
        certificate: plan.certificate.summary,
        settingsToWrite: plan.settings.filter((setting) => setting.action === 'write').map((setting) => setting.name),
      },
      steps: provisionSteps({
        plan,
        recipe,
        document: prepared.recipe.document,
        issuer,
        ports: this.#options.ports,
        jobs: this.#options.jobs,
        ledger: this.#options.ledger,
        clock: this.#options.clock,
        logger: this.#options.logger.child({ deviceId: plan.deviceId }),
        actor,
      }),
    });
  }

  async #plan(
    input: ProvisionInput,
    signal: AbortSignal | undefined,
  ): Promise<{ plan: ProvisionPlan; recipe: PlanRecipe; prepared: PreparedRecipe }> {
    const { ports, clock, logger } = this.#options;
    const trust = ports.trustStore();
    const prepared = await prepareRecipe(input, {
      trustStore: trust.store,
      now: new Date(clock.nowMs()),
      ...(ports.lookupBundle ? { lookupBundle: ports.lookupBundle } : {}),
      ...(ports.readGitRevision ? { readGitRevision: ports.readGitRevision } : {}),
    });
    const link = await ports.openDevice(input.deviceId, signal);
    let state;
    try {
      state = await readDeviceState(link.client, Object.keys(prepared.recipe.document.settings), signal);
    } finally {
      await link.close();
    }
    const expectedHardwareId = input.deviceId.startsWith('hwid:') ? input.deviceId.slice(5).toLowerCase() : null;
    if (expectedHardwareId !== null && state.identity.hardwareId !== expectedHardwareId)
      throw new AppError('DEVICE_MISMATCH', `the device answering reports hardware id ${state.identity.hardwareId}, not ${expectedHardwareId}`);
    const allocator = new ValueAllocator(this.#options.ledger);
    const recipe = recipeForDevice(
      prepared,
      { deviceId: input.deviceId, identity: state.identity, hardwareRevision: input.hardwareRevision ?? 'A' },
      input.values,
      (_variable, definition) => allocator.peek(input.deviceId, definition),
    );
    const plan = planProvision(recipe, state, clock.nowMs());
    logger.info(
      {
        deviceId: plan.deviceId,
        recipe: `${plan.recipe.name}@${plan.recipe.version}`,
        recipeSha256: plan.recipe.contentSha256,
        firmware: plan.firmware.action,
        certificate: plan.certificate.status,
        settingsToWrite: plan.settings.filter((setting) => setting.action === 'write').length,
      },
      'provision plan made',
    );
    return { plan, recipe, prepared };
  }
}
